import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the flows process links Node-RED's core nodes from (launcher.ts): one folder per data
 * directory, outside the project; the supervisor removes it once the process has ended, however it
 * ended.
 */
export const coreNodesLinkDir = (userDir: string) =>
  join(tmpdir(), `thanthien-flows-${createHash('sha256').update(userDir).digest('hex').slice(0, 12)}`);
