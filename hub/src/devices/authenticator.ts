import { digest, verifySecret } from '../security/index.ts';
import type { Credentials } from './registry.ts';

/** A broker client: a device, or an integration that only reads the hub's events. */
export type ClientKind = 'device' | 'integration';

/** Where a client's credentials are kept: the device registry, then the integrations. */
export type CredentialSource = (id: string) => (Credentials & { kind: ClientKind }) | undefined;

export type AuthResult =
  | { ok: true; generation: number; kind: ClientKind }
  | { ok: false; reason: 'unknown-device' | 'revoked' | 'wrong-secret' };

/**
 * Checks device credentials. The slow KDF runs once per secret: a verified secret is remembered
 * (as a digest, never in clear) with the generation it was checked against, so a reconnect storm
 * after a Wi-Fi outage does not cost 50 × scrypt on the Pi. Rotate or revoke bumps the generation
 * and so invalidates the memo.
 */
export class DeviceAuthenticator {
  readonly #credentials: CredentialSource;
  readonly #verified = new Map<string, { digest: string; generation: number }>();

  constructor(credentials: CredentialSource) {
    this.#credentials = credentials;
  }

  async check(id: string, secret: string): Promise<AuthResult> {
    const credentials = this.#credentials(id);
    if (!credentials) return { ok: false, reason: 'unknown-device' };
    if (credentials.revoked) return { ok: false, reason: 'revoked' };
    const memo = this.#verified.get(id);
    if (memo && memo.generation === credentials.generation && memo.digest === digest(secret)) {
      return { ok: true, generation: credentials.generation, kind: credentials.kind };
    }
    if (!(await verifySecret(secret, credentials.secretHash))) return { ok: false, reason: 'wrong-secret' };
    this.#verified.set(id, { digest: digest(secret), generation: credentials.generation });
    return { ok: true, generation: credentials.generation, kind: credentials.kind };
  }

  /** Whether a connection authenticated at `generation` may stay connected. */
  stillValid(id: string, generation: number): boolean {
    const credentials = this.#credentials(id);
    return credentials !== undefined && !credentials.revoked && credentials.generation === generation;
  }
}
