/**
 * The flows editor behind the hub's own login (docs/flows.md): Node-RED's `adminAuth` backed by
 * the hub's users and sessions over its HTTP API, not a second list of passwords. Admins and
 * technicians may edit flows; everyone else is refused.
 *
 * - A browser already signed in to the hub sends its session cookie to the editor too (cookies
 *   go to every port of a host): `tokens` checks it with the hub, so the editor opens at once.
 * - Otherwise Node-RED's own login form asks, and `authenticate` logs in to the hub with it.
 */
const EDITORS = new Set(['admin', 'technician']);
/** The editor asks many times a second while it loads: the hub is asked once in this long. */
const REMEMBER_MS = 10_000;
const SESSION_COOKIE = 'tt_session';
/** Node-RED's own sessions (its login form) last no longer than the hub's (12 h). */
const SESSION_S = 12 * 3600;

/** A Cookie header without the hub's session: what a flow's HTTP endpoint may see. */
export const withoutHubSession = (cookie: string) =>
  cookie
    .split(';')
    .filter((c) => !c.trim().startsWith(`${SESSION_COOKIE}=`))
    .join(';');

type NodeRedUser = { username: string; permissions: '*' };

export function editorAuth(hubUrl: string) {
  const known = new Map<string, NodeRedUser>();
  const checked = new Map<string, { user: NodeRedUser | null; atMs: number }>();

  const whoIs = async (cookie: string): Promise<NodeRedUser | null> => {
    const res = await fetch(`${hubUrl}/api/v1/session`, { headers: { cookie } });
    if (!res.ok) return null;
    const { user, role } = (await res.json()) as { user: string; role: string };
    if (!EDITORS.has(role)) {
      known.delete(user); // no longer an admin or technician: Node-RED forgets them too
      return null;
    }
    const found: NodeRedUser = { username: user, permissions: '*' };
    known.set(user, found);
    return found;
  };

  return {
    type: 'credentials',
    sessionExpiryTime: SESSION_S,
    /** A user Node-RED already knows, from a login or a session of this process. */
    users: async (username: string) => known.get(username) ?? null,
    authenticate: async (username: string, password: string) => {
      const login = await fetch(`${hubUrl}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: username, password }),
      });
      const cookie = login.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
      if (!login.ok || !cookie) return null;
      const session = cookie.split(';')[0]!;
      const user = await whoIs(session);
      // Node-RED keeps its own session from here: the hub's is closed again.
      await fetch(`${hubUrl}/api/v1/session`, { method: 'DELETE', headers: { cookie: session } });
      return user;
    },
    tokenHeader: 'cookie',
    tokens: async (cookieHeader: string) => {
      const session = cookieHeader
        .split(';')
        .map((c) => c.trim())
        .find((c) => c.startsWith(`${SESSION_COOKIE}=`));
      if (!session) return null;
      const seen = checked.get(session);
      if (seen && Date.now() - seen.atMs < REMEMBER_MS) return seen.user;
      // Forget the answers that are too old to use, so sessions come and go without piling up.
      for (const [key, answer] of checked) if (Date.now() - answer.atMs >= REMEMBER_MS) checked.delete(key);
      const user = await whoIs(session).catch(() => null);
      checked.set(session, { user, atMs: Date.now() });
      return user;
    },
  };
}
