import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { editorAuth, withoutHubSession } from './editor-auth.ts';
import { coreNodesLinkDir } from './link-dir.ts';

/** The part of Node-RED's embedding API (node-red's lib/red.js) this process uses. */
type Handler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
type NodeRed = {
  init: (server: ReturnType<typeof createServer>, settings: object) => void;
  start: () => Promise<void>;
  stop: () => Promise<void>;
  httpAdmin: Handler;
  httpNode: Handler;
};
const require = createRequire(import.meta.url);
const RED = require('node-red') as NodeRed;

/**
 * The flows process (docs/flows.md): Node-RED, started by the hub as a child (`supervisor.ts`) so
 * that no flow can stall or crash the broker and the store. Everything comes from the hub in the
 * environment; nothing here reads the hub's store or config.
 */
const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: the hub starts this process`);
  return value;
};

const userDir = env('TT_FLOWS_USER_DIR');
const hubUrl = env('TT_FLOWS_HUB_URL');
const port = Number(env('TT_FLOWS_PORT'));
const host = env('TT_FLOWS_HOST');
// Node-RED looks for nodes in every node_modules above its core nodes: started from a link made
// afresh in a folder of its own (not under the project, where a data directory may be), it finds
// only Node-RED's core nodes, the palette we ship (nodesDir) and what is installed in the editor.
// Made again at each start, so a stale or dangling link never survives a restart.
const linkDir = coreNodesLinkDir(userDir);
rmSync(linkDir, { recursive: true, force: true });
mkdirSync(linkDir, { mode: 0o700 });
const coreNodes = join(linkDir, 'core-nodes');
symlinkSync(dirname(require.resolve('@node-red/nodes')), coreNodes, 'dir');
// Node-RED's own e-mail node, which the shipped flows use, beside our palette.
const shippedNodes = join(linkDir, 'shipped-nodes');
mkdirSync(shippedNodes);
symlinkSync(
  dirname(require.resolve('node-red-node-email/package.json')),
  join(shippedNodes, 'node-red-node-email'),
  'dir',
);

const paletteDir = process.env.TT_FLOWS_PALETTE_DIR;
// The flows a commune needs on day one, each on its tab and off until enabled in the editor: the
// palette's examples, written once, when there are no flows yet.
const flowFile = join(userDir, 'flows.json');
if (paletteDir && !existsSync(flowFile))
  writeFileSync(flowFile, JSON.stringify(shippedFlows(paletteDir)), { mode: 0o600 });

/** Every example flow of the palette, in their order, their shared config nodes once. */
function shippedFlows(palette: string): object[] {
  const dir = join(palette, 'node-red-contrib-thanthien', 'examples');
  const byId = new Map<string, object>();
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort())
    for (const node of JSON.parse(readFileSync(join(dir, file), 'utf8')) as Array<{ id: string }>)
      byId.set(node.id, node);
  return [...byId.values()];
}

const ENDPOINTS = '/endpoints';

/** Set once Node-RED has started: until then the port is ours but answers 503. */
let started = false;
const server = createServer((req, res) => {
  if (!started) {
    res.writeHead(503, { 'retry-after': '1' }).end();
    return;
  }
  const notFound = () => {
    res.statusCode = 404;
    res.end();
  };
  // Flows' own HTTP endpoints under /endpoints/ (as Node-RED mounts httpNodeRoot), the editor elsewhere.
  if (req.url?.startsWith(`${ENDPOINTS}/`)) {
    req.url = req.url.slice(ENDPOINTS.length);
    // A flow's endpoint never sees the hub's session cookie, which browsers send to every port.
    if (req.headers.cookie) req.headers.cookie = withoutHubSession(req.headers.cookie);
    RED.httpNode(req, res, notFound);
  } else RED.httpAdmin(req, res, notFound);
});

RED.init(server, {
  userDir,
  flowFile: 'flows.json',
  // Kept by the hub in its data directory, never in the flows or the editor's context sidebar.
  credentialSecret: readFileSync(env('TT_FLOWS_SECRET_FILE'), 'utf8').trim(),
  coreNodesDir: coreNodes,
  nodesDir: [...(paletteDir ? [paletteDir] : []), shippedNodes],
  httpAdminRoot: '/',
  httpNodeRoot: ENDPOINTS,
  adminAuth: editorAuth(hubUrl),
  // A Function node that loops forever is stopped after this many seconds.
  globalFunctionTimeout: 5,
  functionGlobalContext: {},
  diagnostics: { enabled: false },
  telemetry: { enabled: false },
  // Ours first in the palette, then Node-RED's own.
  paletteCategories: [
    'Thân Thiện',
    'subflows',
    'common',
    'function',
    'network',
    'sequence',
    'parser',
    'storage',
  ],
  editorTheme: {
    page: { title: 'Thân Thiện — Luồng tự động / Flows' },
    header: { title: 'Thân Thiện — Luồng tự động / Flows' },
    projects: { enabled: false },
    tours: false,
  },
  logging: { console: { level: 'info', metrics: false, audit: false } },
});

// The port first: flows must not run (and act) in a process that is about to give up.
await new Promise<void>((resolve) => {
  server.once('error', (err) => {
    // A taken port: said once, then the hub starts this process again, more slowly each time.
    console.error(JSON.stringify({ flows: 'cannot listen', host, port, error: err.message }));
    process.exit(1);
  });
  server.listen(port, host, resolve);
});
await RED.start();
started = true;
console.log(JSON.stringify({ flows: 'listening', host, port }));

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  server.close();
  await RED.stop().catch(() => {});
  rmSync(linkDir, { recursive: true, force: true });
  // Node-RED's session timer would keep the process alive after its stop.
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The hub went away without stopping us (SIGKILL): do not outlive it.
process.on('disconnect', stop);
