import { connect, type Socket } from 'node:net';
import mqttPacket from 'mqtt-packet';

/**
 * A rating box as the load generator plays it: one MQTT connection that publishes at QoS 1 and
 * waits for each PUBACK, and nothing else. mqtt.js costs the bench process about as much CPU per
 * message as the hub under test, and on a 2-core machine the publishers would then measure
 * themselves; this costs a few µs. Both brokers in a run get the same publishers.
 */
export class Publisher {
  readonly #socket: Socket;
  readonly #waiting = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  #nextId = 1;

  private constructor(socket: Socket) {
    this.#socket = socket;
  }

  static open(
    port: number,
    login: { clientId: string; username: string; password: string },
  ): Promise<Publisher> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, noDelay: true });
      const publisher = new Publisher(socket);
      const parser = mqttPacket.parser({ protocolVersion: 4 });
      parser.on('packet', (packet) => {
        if (packet.cmd === 'connack') {
          if (packet.returnCode === 0) resolve(publisher);
          else reject(new Error(`${login.clientId}: CONNACK ${packet.returnCode}`));
        } else if (packet.cmd === 'puback') {
          publisher.#waiting.get(packet.messageId!)?.resolve();
          publisher.#waiting.delete(packet.messageId!);
        }
      });
      parser.on('error', reject);
      socket.on('data', (chunk) => parser.parse(chunk));
      socket.once('error', reject);
      socket.once('close', () => {
        const closed = new Error(`${login.clientId}: connection closed`);
        for (const { reject: fail } of publisher.#waiting.values()) fail(closed);
        reject(closed);
      });
      socket.write(
        mqttPacket.generate({
          cmd: 'connect',
          protocolId: 'MQTT',
          protocolVersion: 4,
          clean: true,
          keepalive: 60,
          clientId: login.clientId,
          username: login.username,
          password: Buffer.from(login.password),
        }),
      );
    });
  }

  /** Publish at QoS 1; resolves on the PUBACK. Same shape as mqtt.js, so the load takes either. */
  publishAsync(topic: string, payload: string, _options: { qos: 1 }): Promise<void> {
    const messageId = this.#nextId;
    this.#nextId = (this.#nextId % 65_535) + 1;
    return new Promise((resolve, reject) => {
      this.#waiting.set(messageId, { resolve, reject });
      // As mqtt.js writes for the boxes' firmware: corked until the next tick, so the publishes a
      // box makes together (one for each PUBACK that came in one read) leave in one write.
      mqttPacket.writeToStream(
        { cmd: 'publish', qos: 1, messageId, topic, payload, retain: false, dup: false },
        this.#socket,
      );
    });
  }

  /** Bytes straight onto the connection: for tests of what arrives together. */
  writeRaw(bytes: Uint8Array): void {
    this.#socket.write(bytes);
  }

  async endAsync(): Promise<void> {
    this.#socket.end(mqttPacket.generate({ cmd: 'disconnect' }));
  }
}
