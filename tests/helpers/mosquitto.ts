import { type Run, runProcess } from './process.ts';

/** Run one of Debian's mosquitto clients to completion. */
export function mosquitto(command: 'mosquitto_pub' | 'mosquitto_sub', args: string[]): Promise<Run> {
  return runProcess(command, args);
}

/** Connection arguments for a device: clientId = username = id (docs/protocol.md). */
export function as(port: number, id: string, secret: string, clientId = id): string[] {
  return ['-h', '127.0.0.1', '-p', String(port), '-V', 'mqttv311', '-i', clientId, '-u', id, '-P', secret];
}
