import { until } from './hub.ts';

/**
 * A flow for the hub's own Node-RED (docs/flows.md): `thanthien in` (this hub's events of `kinds`)
 * into whatever `then` holds, on one tab; the node ids `in1` and those of `then` wire it.
 */
export function eventsInto(kinds: string, then: Array<{ id: string } & Record<string, unknown>>): object[] {
  return [
    { id: 'tab1', type: 'tab', label: 'Thử / Try' },
    { id: 'hub1', type: 'thanthien-hub', thisHub: true },
    { id: 'in1', type: 'thanthien in', z: 'tab1', hub: 'hub1', kinds, wires: [then.map((n) => n.id)] },
    ...then.map((node) => ({ z: 'tab1', wires: [[]], ...node })),
  ];
}

/** A node that posts each message's payload, as JSON, to `url`. */
export const postTo = (id: string, url: string) => ({
  id,
  type: 'http request',
  method: 'POST',
  url,
  ret: 'txt',
  paytoqs: 'ignore',
});

/** Deploy `flows` in full, as the editor's Deploy button does, signed in with `cookie`. */
export const deploy = (flowsUrl: string, cookie: string, flows: object[]) =>
  fetch(`${flowsUrl}/flows`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json', 'node-red-deployment-type': 'full' },
    body: JSON.stringify(flows),
  });

/** Wait until Node-RED answers on its port (503 while it starts), e.g. `http://127.0.0.1:1880`. */
export const nodeRedUp = (flowsUrl: string, what = 'Node-RED to answer') =>
  until(
    () =>
      fetch(`${flowsUrl.replace(/\/$/, '')}/auth/login`).then(
        (r) => r.ok,
        () => false,
      ),
    what,
    60_000,
  );

/** A deploy answers before its flows run: `press` until something came out of the flow. */
export const pressUntilOut = (press: () => void, out: () => boolean, what: string) =>
  until(
    async () => {
      if (out()) return true;
      press();
      await new Promise((r) => setTimeout(r, 300));
      return out();
    },
    what,
    60_000,
  );
