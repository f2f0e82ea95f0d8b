export { ROLES, type Role, SESSION_COOKIE, type User, Users } from './users.ts';
