import { loadSiteConfig, type SiteConfig } from '../config/index.ts';
import { DeviceRegistry } from '../devices/index.ts';
import { storePath } from '../main.ts';
import { loadSettings, type Settings } from '../settings.ts';
import { openStore, type Store } from '../store/index.ts';
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
