import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

// scrypt is in Node itself (no native addon to rebuild when Node is pinned) and is a slow,
// memory-hard KDF. N=2^12, r=8, p=20 is one of OWASP's scrypt settings (Password Storage Cheat
// Sheet): 4 MiB and ~0.2 s per check here. We chose it over N=2^14, p=1 (16 MiB) because glibc keeps
// such blocks in each libuv thread's arena: with 16 MiB the hub's RSS stayed 64 MiB higher after the
// first logins (measured with bench/startup.ts), with 4 MiB at most 16 MiB.
const PARAMS = { N: 4_096, r: 8, p: 20 } as const;
const KEY_LENGTH = 32;

function derive(secret: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, KEY_LENGTH, { ...params, maxmem: 64 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** Hash a secret for storage: `scrypt$N$r$p$salt$key`, salt and key in base64url. */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(secret, salt, PARAMS);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join(
    '$',
  );
}

export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await derive(secret, Buffer.from(salt, 'base64url'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A new random secret for a device or a generated password: 24 bytes, URL-safe, no padding. */
export function newSecret(): string {
  return randomBytes(24).toString('base64url');
}

/** A fast digest, for tokens that are already high-entropy (session ids, cached device secrets). */
export function digest(value: string | Uint8Array): string {
  return createHash('sha256').update(value).digest('base64url');
}
