import { both } from '../i18n/index.ts';
import { ROLES } from '../users/index.ts';
import { missing, parse } from './args.ts';
import { openAdminContext, printTable, siteTime } from './context.ts';

const OPTIONS = {
  role: { type: 'string' },
  password: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

const ACTIONS = ['add', 'list', 'passwd', 'remove'];

export async function userCommand(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, OPTIONS, 'user');
  const [action, name] = positionals;
  // Every word is checked before the store is opened.
  if (!action || !ACTIONS.includes(action))
    throw missing('user', { vi: 'việc cần làm', en: 'action' }, ACTIONS);
  if (action !== 'list' && !name)
    throw missing(`user ${action}`, { vi: '<tên> người dùng', en: "the user's <name>" });
  if (action === 'add' && !values.role) throw missing('user add', { vi: '--role', en: '--role' }, ROLES);
  const ctx = openAdminContext();
  try {
    switch (action) {
      case 'add': {
        const { user, password } = await ctx.users.add({
          name: name!,
          role: values.role!,
          password: values.password,
        });
        console.log(both('user.added', { name: user.name, role: user.role }));
        if (!values.password) console.log(both('user.passwordOnce', { password }));
        return;
      }
      case 'passwd': {
        const { user, password } = await ctx.users.setPassword(name!, values.password);
        console.log(both('user.passwordSet', { name: user.name }));
        if (!values.password) console.log(both('user.passwordOnce', { password }));
        return;
      }
      case 'remove': {
        const user = ctx.users.remove(name!);
        console.log(both('user.removed', { name: user.name, role: user.role }));
        return;
      }
      default: {
        const users = ctx.users.list();
        if (values.json) {
          console.log(
            JSON.stringify(
              users.map((u) => ({
                name: u.name,
                role: u.role,
                created_at: u.createdAt,
                open_sessions: u.openSessions,
              })),
            ),
          );
          return;
        }
        if (users.length === 0) {
          console.log(both('user.none'));
          return;
        }
        const rows = users.map((u) => [
          u.name,
          u.role,
          siteTime(ctx.config, u.createdAt),
          String(u.openSessions),
        ]);
        const header = ['name', 'role', `added (${ctx.config.site.timezone})`, 'sessions'];
        printTable(header, rows);
      }
    }
  } finally {
    ctx.close();
  }
}
