import type { MqttClient } from 'mqtt';

// The load every ingest bench puts on a broker: the same boxes, topics, ratings and pacing, so the
// hub and its peer are measured under exactly the same publishers.

export const BOXES = 20;
/** Monday 16/11/2026 08:00 in Hà Nội: inside office hours, so every rating counts. */
export const T0 = Date.UTC(2026, 10, 16, 1, 0);

type Load = {
  site: string;
  /** One connected client per box, and the box ids, in the same order. */
  clients: readonly MqttClient[];
  ids: readonly string[];
  perBox: number;
  /** Ratings each box has waiting for their PUBACK. */
  inflight: number;
  /** Publish at this steady rate over all boxes (ratings/s); as fast as PUBACKs allow without. */
  ratePerS?: number;
  onPuback: () => void;
};

/** Box i's rating number `seq`: its time is one second per seq, offset by the box. */
const ratingBody = (seq: number, box: number) =>
  JSON.stringify({
    boot: 'bench001',
    seq,
    score: 1 + (seq % 4),
    scale: 4,
    ts: new Date(T0 + seq * 1000 + box).toISOString(),
  });

/** Every box publishes its ratings at QoS 1, keeping `inflight` unacknowledged; resolves when all are. */
export async function publishLoad(load: Load): Promise<void> {
  const t0 = performance.now();
  const due = (seq: number) => (load.ratePerS ? t0 + (seq * load.clients.length * 1000) / load.ratePerS : 0);
  await Promise.all(
    load.clients.map(async (client, i) => {
      const topic = `thanthien/v1/${load.site}/dev/${load.ids[i]!}/evt/rating`;
      const window: Promise<unknown>[] = [];
      for (let seq = 0; seq < load.perBox; seq++) {
        const wait = due(seq) - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        window.push(client.publishAsync(topic, ratingBody(seq, i), { qos: 1 }).then(load.onPuback));
        if (window.length >= load.inflight) await window.shift();
      }
      await Promise.all(window);
    }),
  );
}
