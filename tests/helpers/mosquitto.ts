import { spawn } from 'node:child_process';

export type Run = { code: number | null; stdout: string; stderr: string };

/** Run one of Debian's mosquitto clients to completion (bounded by `timeoutMs`). */
export function mosquitto(
  command: 'mosquitto_pub' | 'mosquitto_sub',
  args: string[],
  timeoutMs = 15_000,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Connection arguments for a device: clientId = username = id (DESIGN §4). */
export function as(port: number, id: string, secret: string, clientId = id): string[] {
  return ['-h', '127.0.0.1', '-p', String(port), '-V', 'mqttv311', '-i', clientId, '-u', id, '-P', secret];
}
