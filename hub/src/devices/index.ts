export { type AuthResult, DeviceAuthenticator } from './authenticator.ts';
export { Availability } from './availability.ts';
export {
  type Credentials,
  type DeviceRecord,
  DeviceRegistry,
  type Placement,
  placementOf,
} from './registry.ts';
