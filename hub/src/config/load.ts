import { readFileSync } from 'node:fs';
import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { z } from 'zod';
import { HubError } from '../errors.ts';
import { type SiteConfig, SiteConfigSchema } from './schema.ts';

/** Enough to fix a file in one pass without burying the first problem. */
const MAX_ISSUES = 5;

type Path = readonly PropertyKey[];

/**
 * Reads and validates the site config; throws `TT_CONFIG_UNREADABLE` or `TT_CONFIG_INVALID`.
 *
 * @example
 * const config = loadSiteConfig('provisioning/site.example.yaml');
 * config.rating.scale; // 4
 */
export function loadSiteConfig(path: string): SiteConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new HubError('TT_CONFIG_UNREADABLE', `${path}: ${(err as Error).message}`, { cause: err });
  }
  return parseSiteConfig(text, path);
}

/**
 * Parses config text; every problem names the file, line and field (docs/architecture.md), e.g.
 * `site.yaml:14 desks[2].officer: required`. The result is deep-frozen: parse once, pass down.
 */
export function parseSiteConfig(text: string, fileName: string): SiteConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const lineAt = (offset: number) => lines.linePos(offset).line;
  if (doc.errors.length > 0) {
    fail(doc.errors.map((e) => `${fileName}:${lineAt(e.pos[0])} ${e.message}`));
  }
  const result = SiteConfigSchema.safeParse(doc.toJS(), { error: requiredWhenMissing });
  if (!result.success) {
    fail(
      result.error.issues.flatMap(splitUnknownKeys).map(({ path, message }) => {
        return `${fileName}:${lineAt(offsetOf(doc, path))} ${formatPath(path)}: ${message}`;
      }),
    );
  }
  return deepFreeze(result.data);
}

function fail(messages: string[]): never {
  const shown = messages.slice(0, MAX_ISSUES);
  if (messages.length > MAX_ISSUES) shown.push(`… and ${messages.length - MAX_ISSUES} more`);
  throw new HubError('TT_CONFIG_INVALID', shown.join('\n'));
}

// `officer:` with nothing after it is null in YAML: as much a forgotten value as a missing key.
const requiredWhenMissing = (issue: { input?: unknown }) =>
  issue.input === undefined ? 'required' : issue.input === null ? 'must not be empty' : undefined;

/** zod reports all unknown keys of a mapping at once; each typo deserves its own line. */
function splitUnknownKeys(issue: z.core.$ZodIssue): { path: Path; message: string }[] {
  if (issue.code !== 'unrecognized_keys') return [issue];
  return issue.keys.map((key) => ({ path: [...issue.path, key], message: 'unknown key (a typo?)' }));
}

/**
 * Where a path points in the source: the key of a mapping entry, or the item of a sequence. A path
 * that does not exist (a missing key) points at the nearest mapping or sequence that does.
 */
function offsetOf(doc: Document, path: Path): number {
  let node: Node | null | undefined = doc.contents;
  let offset = node?.range?.[0] ?? 0;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment] as Node | undefined;
      if (!node?.range) break;
      offset = node.range[0];
    } else {
      break;
    }
  }
  return offset;
}

/** `desks[2].officer`, as a person reading the YAML would name it. */
function formatPath(path: Path): string {
  if (path.length === 0) return '(document)';
  return path
    .map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? String(s) : `.${String(s)}`))
    .join('');
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
