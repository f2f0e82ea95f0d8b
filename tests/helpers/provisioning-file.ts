import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';

/** A device's provisioning file `name` holding `body`, in a folder of its own removed after the test. */
export function provisioningFile(name: string, body: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'tt-provisioning-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(body));
  return file;
}
