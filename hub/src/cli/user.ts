import { HubError } from '../errors.ts';
import { both } from '../i18n/index.ts';
import { parse } from './args.ts';
import { openAdminContext } from './context.ts';

const USAGE = 'thanthien user add <name> --role admin|leader|operator|technician [--password <password>]';

export async function userCommand(args: string[]): Promise<void> {
  const { values, positionals } = parse(
    args,
    { role: { type: 'string' }, password: { type: 'string' } },
    USAGE,
  );
  const [action, name] = positionals;
  if (action !== 'add' || !name || !values.role) throw new HubError('TT_USAGE', USAGE);
  const ctx = openAdminContext();
  try {
    const { user, password } = await ctx.users.add({ name, role: values.role, password: values.password });
    console.log(both('user.added', { name: user.name, role: user.role }));
    if (!values.password) console.log(both('user.passwordOnce', { password }));
  } finally {
    ctx.close();
  }
}
