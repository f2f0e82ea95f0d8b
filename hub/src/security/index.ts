export { digest, hashSecret, newSecret, verifySecret } from './kdf.ts';
export { LoginThrottle } from './throttle.ts';
