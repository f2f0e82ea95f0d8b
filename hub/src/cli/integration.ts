import { hubEventsPrefix } from '../../../protocol/index.ts';
import { both } from '../i18n/index.ts';
import { IntegrationRegistry } from '../integrations/index.ts';
import { missing, parse } from './args.ts';
import { openAdminContext, printTable, siteTime } from './context.ts';

const OPTIONS = { json: { type: 'boolean', default: false } } as const;
const ACTIONS = ['add', 'list', 'revoke'];

/** `thanthien integration`: read-only MQTT clients of the hub's event stream (docs/protocol.md). */
export async function integrationCommand(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, OPTIONS, 'integration');
  const [action, id] = positionals;
  if (!action || !ACTIONS.includes(action))
    throw missing('integration', { vi: 'việc cần làm', en: 'action' }, ACTIONS);
  if (action !== 'list' && !id)
    throw missing(`integration ${action}`, { vi: '<id> của kết nối', en: "the integration's <id>" });
  const ctx = openAdminContext();
  try {
    const integrations = new IntegrationRegistry(ctx.store);
    const site = ctx.config.site.code;
    switch (action) {
      case 'add': {
        const { secret } = await integrations.add(id!);
        const access = {
          id: id!,
          secret,
          mqtt_url: ctx.settings.mqttPublicUrl,
          events: `${hubEventsPrefix(site)}#`,
        };
        if (values.json) console.log(JSON.stringify(access));
        else {
          console.log(both('integration.added', { id: id!, topic: hubEventsPrefix(site) }));
          console.log(`\n  id:     ${access.id}\n  secret: ${secret}\n  mqtt:   ${access.mqtt_url}\n`);
        }
        return;
      }
      case 'revoke':
        integrations.revoke(id!);
        console.log(both('integration.revoked', { id: id! }));
        return;
      default: {
        const list = integrations.list();
        if (values.json) {
          console.log(
            JSON.stringify(
              list.map((i) => ({ id: i.id, created_at: i.createdAt, revoked: i.revokedAt !== null })),
            ),
          );
          return;
        }
        if (list.length === 0) {
          console.log(both('integration.none'));
          return;
        }
        printTable(
          ['id', 'state', `created (${ctx.config.site.timezone})`],
          list.map((i) => [
            i.id,
            i.revokedAt ? 'thu hồi / revoked' : 'dùng được / active',
            siteTime(ctx.config, i.createdAt),
          ]),
        );
      }
    }
  } finally {
    ctx.close();
  }
}
