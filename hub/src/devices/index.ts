export {
  type AuthResult,
  type ClientKind,
  type CredentialSource,
  DeviceAuthenticator,
} from './authenticator.ts';
export { Availability } from './availability.ts';
export { CHECK_COMMANDS, type CheckCommand, type CommandAnswer, DeviceCommands } from './commands.ts';
export { type Provisioning, provisioningOf } from './provisioning.ts';
export {
  type Credentials,
  credentialsIn,
  type DeviceRecord,
  DeviceRegistry,
  type DeviceTelemetry,
  type Placement,
  placementOf,
} from './registry.ts';
