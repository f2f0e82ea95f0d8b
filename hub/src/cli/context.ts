import { loadSiteConfig, type SiteConfig, wallClock } from '../config/index.ts';
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
  const part = wallClock(config.site.timezone, new Date(iso));
  return `${part.day}/${part.month}/${part.year} ${part.hour}:${part.minute}:${part.second}`;
}

/** A table for the terminal: a header, then rows, each column as wide as its widest cell. */
export function printTable(header: readonly string[], rows: readonly string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [header, ...rows]) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  '));
}
