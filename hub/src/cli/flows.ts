import { userInfo } from 'node:os';
import { FlowAllowances, HUB_FLOWS_USER } from '../flows/index.ts';
import { both, type Lang, t } from '../i18n/index.ts';
import { missing, parse } from './args.ts';
import { openAdminContext, printTable, siteTime } from './context.ts';

const OPTIONS = {
  'skip-approval': { type: 'boolean', default: false },
  emergency: { type: 'boolean', default: false },
  name: { type: 'string' },
  user: { type: 'string', default: HUB_FLOWS_USER },
  json: { type: 'boolean', default: false },
} as const;
const ACTIONS = ['allow', 'list', 'disallow'];

/** `thanthien flows`: what the admin allows each flow to announce (docs/flows.md). */
export async function flowsCommand(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, OPTIONS, 'flows');
  const [action, flow] = positionals;
  if (!action || !ACTIONS.includes(action))
    throw missing('flows', { vi: 'việc cần làm', en: 'action' }, ACTIONS);
  if (action !== 'list' && !flow)
    throw missing(`flows ${action}`, {
      vi: '<mã luồng> (id của tab trong Node-RED)',
      en: "the <flow id> (the Node-RED tab's id)",
    });
  const ctx = openAdminContext();
  try {
    const allowances = new FlowAllowances(ctx.store, () => new Date());
    switch (action) {
      case 'allow': {
        const allowed = allowances.set(
          values.user,
          flow!,
          { name: values.name, skip_approval: values['skip-approval'], emergency: values.emergency },
          `cli:${userInfo().username}`,
        );
        const said = (yes: boolean, lang: Lang) => t(yes ? 'flows.yes' : 'flows.no', {}, lang);
        console.log(
          both('flows.allowed', (lang) => ({
            flow: flow!,
            skip: said(allowed.skip_approval, lang),
            emergency: said(allowed.emergency, lang),
          })),
        );
        return;
      }
      case 'disallow':
        allowances.remove(values.user, flow!);
        console.log(both('flows.disallowed', { flow: flow! }));
        return;
      default: {
        const list = allowances.list();
        if (values.json) console.log(JSON.stringify(list));
        else if (list.length === 0) console.log(both('flows.none'));
        else
          printTable(
            ['user', 'flow', 'name', 'skip approval', 'emergency', 'by', `at (${ctx.config.site.timezone})`],
            list.map((a) => [
              a.user,
              a.flow,
              a.name ?? '',
              a.skip_approval ? 'yes' : 'no',
              a.emergency ? 'yes' : 'no',
              a.granted_by,
              siteTime(ctx.config, a.granted_at),
            ]),
          );
      }
    }
  } finally {
    ctx.close();
  }
}
