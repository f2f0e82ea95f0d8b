#!/usr/bin/env node
// The `thanthien` command, for an installed hub: link it onto the PATH
// (`sudo ln -s /opt/thanthien/bin/thanthien.mjs /usr/local/bin/thanthien`) and it works from any
// folder. The hub is TypeScript run by Node 24's type stripping; under an older system Node
// (Debian's is 20) it runs itself again on the Node 24 that `npm ci` put in the project.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../hub/src/cli/index.ts', import.meta.url));
if (Number(process.versions.node.split('.')[0]) >= 24) {
  await import(entry);
} else {
  const node24 = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url));
  if (!existsSync(node24)) {
    console.error(
      `Thân Thiện cần Node 24; đang chạy Node ${process.versions.node}. Chạy "npm ci" trong thư mục dự án trước.\n` +
        `Thân Thiện needs Node 24; this is Node ${process.versions.node}. Run "npm ci" in the project folder first.`,
    );
    process.exit(1);
  }
  // This launcher stays in between: it passes signals on, and the hub stops if it goes away.
  const child = spawn(node24, [entry, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, TT_STOP_WITH_PARENT: '1' },
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
