// The rating boxes of an ingest bench, a process of their own (bench/load.ts, `Boxes`): it
// connects them, publishes their ratings when told, and says when half and all are acknowledged.
// Its mqtt-packet is as quiet as the hub's: the boxes share the hub's two cores.
import '../hub/src/broker/quiet-debug.ts';
import type { BoxesData, BoxLoad } from './load.ts';
import { publishLoad } from './load.ts';
import { Publisher } from './publisher.ts';

type Order = { connect?: BoxesData; load?: BoxLoad; close?: true };

const send = (message: object) => process.send!(message);
let clients: Publisher[] = [];
let ids: string[] = [];
let site = '';
let closing = false;

// Never outlive the bench: its channel closes when it ends, however it ends.
process.on('disconnect', () => {
  if (!closing) process.exit(0);
});

process.on('message', async (order: Order) => {
  try {
    if (order.connect) {
      const { port, boxes } = order.connect;
      site = order.connect.site;
      ids = boxes.map((b) => b.id);
      clients = await Promise.all(
        boxes.map((b) => Publisher.open(port, { clientId: b.id, username: b.id, password: b.secret })),
      );
      send({ ready: true });
    } else if (order.load) {
      const half = Math.floor((order.load.perBox * clients.length) / 2);
      let acked = 0;
      await publishLoad({
        ...order.load,
        site,
        clients,
        ids,
        onPuback: () => {
          if (++acked === half) send({ half: true });
        },
      });
      send({ done: true });
    } else if (order.close) {
      closing = true;
      await Promise.all(clients.map((c) => c.endAsync()));
      process.disconnect(); // ends once the connections have closed
    }
  } catch (err) {
    send({ error: (err as Error).message });
  }
});
