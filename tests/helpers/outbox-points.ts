import type { Point } from '../../hub/src/ingest/index.ts';
import type { Store } from '../../hub/src/store/index.ts';

/** Every point waiting in the outbox, oldest first, read back from its line protocol. */
export function outboxPoints(db: Store, measurement?: string): Point[] {
  const rows = db.prepare('SELECT lines FROM outbox ORDER BY id').all() as Array<{ lines: string }>;
  const points = rows.flatMap((row) => row.lines.split('\n').map(parseLine));
  return measurement ? points.filter((p) => p.measurement === measurement) : points;
}

/**
 * Resolves once the next group commit has run: a point added outside a unit of work (a timer's
 * sample) joins that batch, which the group commit starts with `setImmediate`.
 */
export const nextBatch = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Split at `separator` where it is neither escaped nor inside a quoted string. */
function split(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      current += c + text[++i];
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === separator && !quoted) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

const unescaped = (text: string) => text.replace(/\\(.)/g, '$1');

function parseLine(line: string): Point {
  const [head = '', fieldText = '', time = ''] = split(line, ' ');
  const [measurement = '', ...tagPairs] = split(head, ',');
  const tags = Object.fromEntries(
    tagPairs.map((pair) => split(pair, '=').map(unescaped) as [string, string]),
  );
  const fields = Object.fromEntries(
    split(fieldText, ',').map((pair) => {
      const [key = '', value = ''] = split(pair, '=');
      if (value.startsWith('"')) return [key, unescaped(value.slice(1, -1))];
      return [key, Number(value.replace(/i$/, ''))];
    }),
  );
  return { measurement, tags, fields, timeMs: Number(time) };
}
