export { ROLES, type Role, type User, Users } from './users.ts';
