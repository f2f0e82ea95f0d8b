import { z } from 'zod';
import { HubError } from '../errors.ts';
import { digest, hashSecret, newSecret, verifySecret } from '../security/index.ts';
import { type Store, statement } from '../store/index.ts';

/** The cookie that carries a signed-in user's session token (HTTP routes and the live board). */
export const SESSION_COOKIE = 'tt_session';

// `flows`: a service account for Node-RED's nodes (docs/flows.md), not a person.
export const ROLES = ['admin', 'leader', 'operator', 'technician', 'flows'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;
export type User = { name: string; role: Role };

const UserName = z.string().regex(/^[a-z0-9._-]{2,40}$/, 'must be 2–40 characters a–z, 0–9, . _ -');
const MIN_PASSWORD = 10;
const SESSION_HOURS = 12;

/** People who use the web UI and API, their hashed passwords, and their sessions. */
export class Users {
  readonly #db: Store;
  readonly #now: () => Date;

  constructor(db: Store, now: () => Date = () => new Date()) {
    this.#db = db;
    this.#now = now;
  }

  /** Add a user; without a password one is generated and returned to be shown once. */
  async add(input: {
    name: string;
    role: string;
    password?: string;
  }): Promise<{ user: User; password: string }> {
    const name = UserName.safeParse(input.name);
    if (!name.success)
      throw new HubError('TT_USER_INVALID', `name "${input.name}" ${name.error.issues[0]?.message}`);
    const role = Role.safeParse(input.role);
    if (!role.success)
      throw new HubError('TT_USER_INVALID', `role "${input.role}" must be one of ${ROLES.join(', ')}`);
    const password = checkedPassword(input.password);
    if (this.get(name.data)) throw new HubError('TT_USER_EXISTS', `"${name.data}"`);
    statement(this.#db, 'INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)').run(
      name.data,
      role.data,
      await hashSecret(password),
      this.#now().toISOString(),
    );
    return { user: { name: name.data, role: role.data }, password };
  }

  /** Every user with when they were added and how many sessions they have open. */
  list(): Array<User & { createdAt: string; openSessions: number }> {
    const rows = statement(
      this.#db,
      `SELECT u.name, u.role, u.created_at,
           (SELECT COUNT(*) FROM sessions s WHERE s.user_name = u.name AND s.expires_at > ?) AS open_sessions
         FROM users u ORDER BY u.name`,
    ).all(this.#now().toISOString()) as Array<{
      name: string;
      role: Role;
      created_at: string;
      open_sessions: number;
    }>;
    return rows.map((r) => ({
      name: r.name,
      role: r.role,
      createdAt: r.created_at,
      openSessions: Number(r.open_sessions),
    }));
  }

  /**
   * Set a new password (generated when none is given, to be shown once); the user's sessions end,
   * since a password is reset when the old one may be known to someone else.
   */
  async setPassword(name: string, given?: string): Promise<{ user: User; password: string }> {
    const user = this.#require(name);
    const password = checkedPassword(given);
    const hash = await hashSecret(password);
    statement(this.#db, 'UPDATE users SET password_hash = ? WHERE name = ?').run(hash, name);
    this.endSessions(name);
    return { user, password };
  }

  /** End every open session of a user (a lost phone, a shared computer): how many there were. */
  endSessions(name: string): number {
    this.#require(name);
    return Number(statement(this.#db, 'DELETE FROM sessions WHERE user_name = ?').run(name).changes);
  }

  /** Remove a user; their sessions go with them. */
  remove(name: string): User {
    const user = this.#require(name);
    statement(this.#db, 'DELETE FROM users WHERE name = ?').run(name);
    return user;
  }

  #require(name: string): User {
    const user = this.get(name);
    if (!user) throw new HubError('TT_USER_UNKNOWN', `"${name}"; see "thanthien user list"`);
    return user;
  }

  get(name: string): User | undefined {
    const row = statement(this.#db, 'SELECT name, role FROM users WHERE name = ?').get(name) as
      | User
      | undefined;
    return row ? { name: row.name, role: row.role } : undefined;
  }

  /** Check a password; a wrong user costs as much time as a wrong password, so names do not leak. */
  async verify(name: string, password: string): Promise<User | undefined> {
    const row = statement(this.#db, 'SELECT name, role, password_hash FROM users WHERE name = ?').get(name) as
      | (User & { password_hash: string })
      | undefined;
    const ok = await verifySecret(password, row?.password_hash ?? (await dummyHash()));
    return row && ok ? { name: row.name, role: row.role } : undefined;
  }

  openSession(user: User): { token: string; expiresAt: Date } {
    const token = newSecret();
    const now = this.#now();
    const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3_600_000);
    statement(this.#db, 'DELETE FROM sessions WHERE expires_at < ?').run(now.toISOString());
    statement(
      this.#db,
      'INSERT INTO sessions (token_hash, user_name, created_at, expires_at) VALUES (?, ?, ?, ?)',
    ).run(digest(token), user.name, now.toISOString(), expiresAt.toISOString());
    return { token, expiresAt };
  }

  sessionUser(token: string): User | undefined {
    const row = statement(
      this.#db,
      `SELECT u.name, u.role FROM sessions s JOIN users u ON u.name = s.user_name
         WHERE s.token_hash = ? AND s.expires_at > ?`,
    ).get(digest(token), this.#now().toISOString()) as User | undefined;
    return row ? { name: row.name, role: row.role } : undefined;
  }

  closeSession(token: string): void {
    statement(this.#db, 'DELETE FROM sessions WHERE token_hash = ?').run(digest(token));
  }
}

/** The given password if it is long enough, or a generated one. */
function checkedPassword(given: string | undefined): string {
  const password = given ?? newSecret();
  if (password.length < MIN_PASSWORD) {
    throw new HubError('TT_USER_INVALID', {
      vi: `mật khẩu cần ít nhất ${MIN_PASSWORD} ký tự`,
      en: `password must be at least ${MIN_PASSWORD} characters`,
    });
  }
  return password;
}

// A valid hash of a random password, so unknown users take the same KDF time; made on first use.
let dummy: Promise<string> | undefined;
const dummyHash = () => {
  dummy ??= hashSecret(newSecret());
  return dummy;
};
