import { HubError } from '../errors.ts';
import { type Store, statement } from '../store/index.ts';

/** The hub's own flows process's user and integration client (a new secret at each start). */
export const HUB_FLOWS_USER = 'thanthien-flows';

/**
 * What the admin allows one flow of one flows user (the hub's own Node-RED, or a district's): its
 * announcements air without approval; it may send emergencies.
 */
export type FlowAllowance = {
  user: string;
  flow: string;
  name: string | null;
  skip_approval: boolean;
  emergency: boolean;
  granted_by: string;
  granted_at: string;
};

type Row = Omit<FlowAllowance, 'user' | 'skip_approval' | 'emergency'> & {
  user_name: string;
  skip_approval: number;
  emergency: number;
};

const fromRow = ({ user_name, ...row }: Row): FlowAllowance => ({
  user: user_name,
  ...row,
  skip_approval: Number(row.skip_approval) === 1,
  emergency: Number(row.emergency) === 1,
});

/**
 * The admin's allowances for flows (docs/flows.md), by the flows user that sends and the flow's id
 * (a Node-RED tab's): a flow without one has its announcements go to a leader for approval and may
 * send no emergency. Keyed by user too, so that another Node-RED with a flows account of its own
 * cannot claim what a flow of the hub's was allowed by using its id.
 */
export class FlowAllowances {
  readonly #db: Store;
  readonly #now: () => Date;

  constructor(db: Store, now: () => Date) {
    this.#db = db;
    this.#now = now;
  }

  get(user: string, flow: string): FlowAllowance | undefined {
    const row = statement(this.#db, 'SELECT * FROM flow_allowances WHERE user_name = ? AND flow = ?').get(
      user,
      flow,
    ) as Row | undefined;
    return row && fromRow(row);
  }

  list(): FlowAllowance[] {
    return (statement(this.#db, 'SELECT * FROM flow_allowances ORDER BY user_name, flow').all() as Row[]).map(
      fromRow,
    );
  }

  /** Allow a flow of a user with the role flows; its name is kept from before when none is given. */
  set(
    user: string,
    flow: string,
    allowed: { name?: string; skip_approval: boolean; emergency: boolean },
    by: string,
  ): FlowAllowance {
    const role = statement(this.#db, 'SELECT role FROM users WHERE name = ?').get(user) as
      | { role: string }
      | undefined;
    if (role?.role !== 'flows')
      throw new HubError('TT_USER_UNKNOWN', {
        vi: `"${user}" không phải người dùng vai trò flows`,
        en: `"${user}" is not a user with the role flows`,
      });
    if (!/^\S{1,64}$/.test(flow))
      throw new HubError('TT_REQUEST_INVALID', {
        vi: `mã luồng "${flow}" phải có 1–64 ký tự, không có khoảng trắng`,
        en: `flow id "${flow}" must be 1–64 characters without spaces`,
      });
    statement(
      this.#db,
      `INSERT INTO flow_allowances (user_name, flow, name, skip_approval, emergency, granted_by, granted_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (user_name, flow) DO UPDATE SET name = COALESCE(excluded.name, name),
           skip_approval = excluded.skip_approval, emergency = excluded.emergency,
           granted_by = excluded.granted_by, granted_at = excluded.granted_at`,
    ).run(
      user,
      flow,
      allowed.name ?? null,
      allowed.skip_approval ? 1 : 0,
      allowed.emergency ? 1 : 0,
      by,
      this.#now().toISOString(),
    );
    return this.get(user, flow)!;
  }

  /** Withdraw what a flow was allowed; whether it had anything. */
  remove(user: string, flow: string): boolean {
    return (
      statement(this.#db, 'DELETE FROM flow_allowances WHERE user_name = ? AND flow = ?').run(user, flow)
        .changes > 0
    );
  }
}
