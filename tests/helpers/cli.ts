import { resolve } from 'node:path';
import { type Run, runProcess } from './process.ts';

const ENTRY = resolve('hub/src/cli/index.ts');

/** Run the real `thanthien` CLI on this Node (24) as a child process. */
export function thanthien(args: string[], env: Record<string, string>, timeoutMs = 30_000): Promise<Run> {
  return runProcess(process.execPath, [ENTRY, ...args], { env: { ...process.env, ...env }, timeoutMs });
}
