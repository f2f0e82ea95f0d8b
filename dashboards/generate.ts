import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DASHBOARDS, dashboardJson, documented } from './src/index.ts';

// `npm run dashboards`: writes every dashboard's JSON and the panel sections of docs/dashboards.md.
const root = join(import.meta.dirname, '..');
for (const { file, build } of DASHBOARDS) writeFileSync(join(root, 'dashboards', file), dashboardJson(build));
const docs = join(root, 'docs', 'dashboards.md');
writeFileSync(docs, documented(readFileSync(docs, 'utf8')));
console.log(`${DASHBOARDS.length} dashboards written to dashboards/, panels to docs/dashboards.md`);
