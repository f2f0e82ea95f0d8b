#!/usr/bin/env node
// The `thanthien` command. The hub is TypeScript run by Node 24's type stripping, so an older
// system Node (Debian's is 20) gets a clear word instead of a syntax error.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(
    `Thân Thiện cần Node 24; đang chạy Node ${process.versions.node}. Dùng: npx thanthien … hoặc npm run thanthien -- …\n` +
      `Thân Thiện needs Node 24; this is Node ${process.versions.node}. Use: npx thanthien … or npm run thanthien -- …`,
  );
  process.exit(1);
}
await import('../hub/src/cli/index.ts');
