import { DEVICE_ID_PATTERN } from '../../../protocol/index.ts';
import { type Credentials, credentialsIn } from '../devices/index.ts';
import { HubError } from '../errors.ts';
import { hashSecret, newSecret } from '../security/index.ts';
import { type Store, statement } from '../store/index.ts';

export type IntegrationRecord = { id: string; createdAt: string; revokedAt: string | null };

type Row = Record<string, string | number | null>;

/**
 * Integration clients (docs/protocol.md, the hub's event stream): MQTT credentials that may read
 * the hub's events and do nothing else, for a district's Node-RED or any other integrator. Their
 * ids share the broker's one namespace with the devices'.
 */
export class IntegrationRegistry {
  readonly #db: Store;
  readonly #now: () => Date;

  constructor(db: Store, now: () => Date = () => new Date()) {
    this.#db = db;
    this.#now = now;
  }

  /** Register an integration and issue its secret, shown once and stored only hashed. */
  async add(id: string): Promise<{ integration: IntegrationRecord; secret: string }> {
    if (!DEVICE_ID_PATTERN.test(id))
      throw new HubError('TT_INTEGRATION_INVALID', `id "${id}" must match ${DEVICE_ID_PATTERN.source}`);
    const taken = statement(
      this.#db,
      'SELECT 1 FROM devices WHERE id = ? UNION SELECT 1 FROM integrations WHERE id = ?',
    ).get(id, id);
    if (taken) throw new HubError('TT_INTEGRATION_EXISTS', `"${id}" is taken by a device or an integration`);
    const secret = newSecret();
    statement(this.#db, 'INSERT INTO integrations (id, secret_hash, created_at) VALUES (?, ?, ?)').run(
      id,
      await hashSecret(secret),
      this.#now().toISOString(),
    );
    return { integration: this.#require(id), secret };
  }

  /**
   * The integration `id` with a new secret, made afresh: for the hub's own flows process, given a
   * secret at each hub start and never written anywhere.
   */
  async replace(id: string): Promise<{ integration: IntegrationRecord; secret: string }> {
    statement(this.#db, 'DELETE FROM integrations WHERE id = ?').run(id);
    return this.add(id);
  }

  list(): IntegrationRecord[] {
    return (statement(this.#db, 'SELECT * FROM integrations ORDER BY id').all() as Row[]).map(toRecord);
  }

  credentials(id: string): Credentials | undefined {
    return credentialsIn(this.#db, 'integrations', id);
  }

  /** Revoke: it can no longer connect, and the hub closes its live connection. */
  revoke(id: string): IntegrationRecord {
    this.#require(id);
    statement(
      this.#db,
      'UPDATE integrations SET revoked_at = ?, generation = generation + 1 WHERE id = ?',
    ).run(this.#now().toISOString(), id);
    return this.#require(id);
  }

  #require(id: string): IntegrationRecord {
    const row = statement(this.#db, 'SELECT * FROM integrations WHERE id = ?').get(id) as Row | undefined;
    if (!row) throw new HubError('TT_INTEGRATION_UNKNOWN', `"${id}"; see "thanthien integration list"`);
    return toRecord(row);
  }
}

const toRecord = (row: Row): IntegrationRecord => ({
  id: String(row.id),
  createdAt: String(row.created_at),
  revokedAt: (row.revoked_at as string | null) ?? null,
});
