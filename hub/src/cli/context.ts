import { loadSiteConfig, type SiteConfig } from '../config/index.ts';
import { DeviceRegistry } from '../devices/index.ts';
import { storePath } from '../main.ts';
import { loadSettings, type Settings } from '../settings.ts';
import { ensureDataDir, openStore, type Store } from '../store/index.ts';
import { Users } from '../users/index.ts';

/** What the admin commands work on: the same store and site config as the running hub. */
export type AdminContext = {
  settings: Readonly<Settings>;
  config: SiteConfig;
  store: Store;
  devices: DeviceRegistry;
  users: Users;
  close: () => void;
};

export function openAdminContext(env: NodeJS.ProcessEnv = process.env): AdminContext {
  const settings = loadSettings(env);
  const config = loadSiteConfig(settings.configPath);
  ensureDataDir(settings.dataDir);
  const store = openStore(storePath(settings.dataDir));
  return {
    settings,
    config,
    store,
    devices: new DeviceRegistry(store),
    users: new Users(store),
    close: () => store.close(),
  };
}

/** An instant as people at the site read it: dd/mm/yyyy HH:mm:ss in the site's time zone. */
export function siteTime(config: SiteConfig, iso: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: config.site.timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}:${parts.second}`;
}
