import { spawn } from 'node:child_process';

/**
 * A pseudo-terminal for a program under test to open as its serial port. socat (Debian package
 * `socat`) joins the new /dev/pts/N to its own stdin and stdout, so the test is the other end of
 * the cable: what the program writes to the port arrives in `received`, and `send` reaches the
 * program as if a board had written it.
 */
export type Pty = {
  /** The /dev/pts/N to give the program. */
  path: string;
  /** Every byte the program has written to the port so far. */
  received: () => Buffer;
  /** Called with each chunk the program writes. */
  onData: (listener: (chunk: Buffer) => void) => void;
  send: (bytes: Buffer | number[]) => void;
  /** Stop socat (and so the pseudo-terminal); waits until it has exited. */
  close: () => Promise<void>;
};

export function openPty(): Promise<Pty> {
  // raw,echo=0: the line discipline passes every byte unchanged, as a serial line does.
  const socat = spawn('socat', ['-d', '-d', 'pty,raw,echo=0', 'stdio'], { stdio: 'pipe' });
  const chunks: Buffer[] = [];
  const listeners: Array<(chunk: Buffer) => void> = [];
  socat.stdout.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    for (const listener of listeners) listener(chunk);
  });
  // A write after socat has gone (the program closed the pty) is not the test's failure.
  socat.stdin.on('error', () => {});
  const exited = new Promise<void>((resolve) => socat.once('close', () => resolve()));
  const close = async () => {
    if (socat.exitCode === null && socat.signalCode === null) socat.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    let log = '';
    socat.once('error', (err) =>
      reject(new Error(`socat could not start (install the Debian package socat): ${err.message}`)),
    );
    socat.once('close', (code) =>
      reject(new Error(`socat exited (${code}) before the pty was ready: ${log}`)),
    );
    socat.stderr.on('data', (chunk: Buffer) => {
      log += chunk;
      const path = /PTY is (\S+)/.exec(log)?.[1];
      // socat announces the transfer loop once both ends are open: the pty is ready to be opened.
      if (path && log.includes('starting data transfer loop')) {
        socat.stderr.removeAllListeners('data');
        socat.stderr.resume();
        resolve({
          path,
          received: () => Buffer.concat(chunks),
          onData: (listener) => listeners.push(listener),
          send: (bytes) => socat.stdin.write(Buffer.from(bytes)),
          close,
        });
      }
    });
  });
}
