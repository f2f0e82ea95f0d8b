import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { HubError } from '../errors.ts';

/** Who holds a data directory: written beside the lock so that a second hub can name it. */
export type DataDirOwner = {
  pid: number;
  host: string;
  started_at: string;
  http_port?: number;
  mqtt_port?: number;
};

export type DataDirClaim = {
  /** Say which ports the owner listens on, for the message a second hub prints. */
  describe: (ports: { http: number; mqtt: number }) => void;
  release: () => void;
};

const LOCK_FILE = 'hub.lock';
const OWNER_FILE = 'hub.owner.json';

/**
 * Make sure `dir` can hold the hub's data: created if missing, a directory, writable. Every
 * failure is a coded error that names the directory and the variable that chose it.
 */
export function ensureDataDir(dir: string): void {
  const unusable = (vi: string, en: string) =>
    new HubError('TT_DATA_DIR_UNUSABLE', {
      vi: `${dir} (TT_DATA_DIR): ${vi}`,
      en: `${dir} (TT_DATA_DIR): ${en}`,
    });
  // Look before creating: the nearest folder that exists must be a writable directory. (Node's
  // recursive mkdir never returns under some read-only trees, e.g. /proc/sys.)
  let existing = dir;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  if (!statSync(existing).isDirectory()) {
    const which = existing === dir ? '' : ` (${existing})`;
    throw unusable(`là một tệp${which}, không phải thư mục`, `is a file${which}, not a directory`);
  }
  try {
    accessSync(existing, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch {
    const which = existing === dir ? '' : ` (${existing})`;
    throw unusable(
      `không có quyền ghi${which}; cấp quyền cho người dùng chạy trạm (chown)`,
      `is not writable${which}; give it to the user the hub runs as (chown)`,
    );
  }
  if (existing === dir) return;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw unusable(`không tạo được (${code})`, `cannot be created (${code})`);
  }
}

/**
 * Claim `dir` for this hub: one hub per data directory. The lock is an exclusive SQLite
 * transaction on `hub.lock`, held while the hub runs; SQLite locks are POSIX record locks, which
 * the kernel drops when the process dies, so a hub killed with SIGKILL leaves no stale lock.
 * Nothing else in the directory is touched before the claim succeeds.
 */
export function claimDataDir(dir: string, now: () => Date = () => new Date()): DataDirClaim {
  ensureDataDir(dir);
  const lock = new DatabaseSync(join(dir, LOCK_FILE));
  try {
    lock.exec('PRAGMA busy_timeout = 0');
    lock.exec('BEGIN EXCLUSIVE');
  } catch (err) {
    lock.close();
    if (!/locked|busy/i.test((err as Error).message)) throw err;
    throw new HubError('TT_HUB_RUNNING', runningHub(dir));
  }
  const owner: DataDirOwner = { pid: process.pid, host: hostname(), started_at: now().toISOString() };
  const ownerFile = join(dir, OWNER_FILE);
  const write = () => writeFileSync(ownerFile, `${JSON.stringify(owner)}\n`);
  write();
  let held = true;
  return {
    describe: (ports) => {
      owner.http_port = ports.http;
      owner.mqtt_port = ports.mqtt;
      write();
    },
    release: () => {
      if (!held) return;
      held = false;
      rmSync(ownerFile, { force: true });
      lock.exec('ROLLBACK');
      lock.close();
    },
  };
}

/** The words that name the directory and the hub holding it, as far as it said. */
function runningHub(dir: string): { vi: string; en: string } {
  let owner: Partial<DataDirOwner> = {};
  try {
    owner = JSON.parse(readFileSync(join(dir, OWNER_FILE), 'utf8'));
  } catch {
    // The owner is still starting, or an older hub wrote no owner file: the lock alone says enough.
  }
  const ports = owner.http_port !== undefined ? `, HTTP ${owner.http_port}, MQTT ${owner.mqtt_port}` : '';
  const who = owner.pid ? `pid ${owner.pid} @ ${owner.host}${ports}` : '';
  return {
    vi: `${dir}${who ? ` (${who}, chạy từ ${owner.started_at})` : ''}; dừng trạm đó trước, hoặc đặt TT_DATA_DIR khác`,
    en: `${dir}${who ? ` (${who}, since ${owner.started_at})` : ''}; stop that hub first, or set another TT_DATA_DIR`,
  };
}
