import { type Store, statement } from '../store/index.ts';

/** What the admin allows one flow: its announcements air without approval; it may send emergencies. */
export type FlowAllowance = {
  flow: string;
  name: string | null;
  skip_approval: boolean;
  emergency: boolean;
  granted_by: string;
  granted_at: string;
};

type Row = Omit<FlowAllowance, 'skip_approval' | 'emergency'> & { skip_approval: number; emergency: number };

const fromRow = (row: Row): FlowAllowance => ({
  ...row,
  skip_approval: Number(row.skip_approval) === 1,
  emergency: Number(row.emergency) === 1,
});

/**
 * The admin's allowances for flows (docs/flows.md), by the flow's id (a Node-RED tab's): a flow
 * without one has its announcements go to a leader for approval and may send no emergency.
 */
export class FlowAllowances {
  readonly #db: Store;
  readonly #now: () => Date;

  constructor(db: Store, now: () => Date) {
    this.#db = db;
    this.#now = now;
  }

  get(flow: string): FlowAllowance | undefined {
    const row = statement(this.#db, 'SELECT * FROM flow_allowances WHERE flow = ?').get(flow) as
      | Row
      | undefined;
    return row && fromRow(row);
  }

  list(): FlowAllowance[] {
    return (statement(this.#db, 'SELECT * FROM flow_allowances ORDER BY flow').all() as Row[]).map(fromRow);
  }

  set(
    flow: string,
    allowed: { name?: string; skip_approval: boolean; emergency: boolean },
    by: string,
  ): FlowAllowance {
    statement(
      this.#db,
      `INSERT INTO flow_allowances (flow, name, skip_approval, emergency, granted_by, granted_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (flow) DO UPDATE SET name = excluded.name, skip_approval = excluded.skip_approval,
           emergency = excluded.emergency, granted_by = excluded.granted_by, granted_at = excluded.granted_at`,
    ).run(
      flow,
      allowed.name ?? null,
      allowed.skip_approval ? 1 : 0,
      allowed.emergency ? 1 : 0,
      by,
      this.#now().toISOString(),
    );
    return this.get(flow)!;
  }

  /** Withdraw what a flow was allowed; whether it had anything. */
  remove(flow: string): boolean {
    return statement(this.#db, 'DELETE FROM flow_allowances WHERE flow = ?').run(flow).changes > 0;
  }
}
