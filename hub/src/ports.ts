import { readFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type Server as HttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { createServer as createTcpServer, type Socket, type Server as TcpServer } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { HubError } from './errors.ts';
import type { Settings } from './settings.ts';

/**
 * A listening socket whose connections wait until their handler is ready: the hub binds every
 * port before it writes anything, and the few connections that arrive meanwhile (devices
 * reconnecting after a restart) are served instead of hanging.
 */
export type Listener<S, H> = {
  server: S;
  port: number;
  serve: (handler: H) => void;
  /** Close what arrived and was never served: a start that failed must not wait on those clients. */
  dropWaiting: () => void;
};

type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;
type SocketHandler = (socket: Socket) => void;

export type HubPorts = {
  http: Listener<HttpServer, RequestHandler>;
  mqtt: Listener<TcpServer, SocketHandler>;
  mqttTls: Listener<TcpServer, SocketHandler> | undefined;
  close: () => Promise<void>;
};

type Wanted = { variable: string; port: number };

/**
 * Bind the HTTP, MQTT and (when configured) MQTT-over-TLS ports, or none of them: a port that is
 * taken or an address that cannot be used is a coded error naming the variable to change.
 */
export async function bindPorts(
  settings: Settings,
  /** How long a TLS handshake may take: the broker's CONNECT timeout (mqtt_limits.connect_timeout_s). */
  tlsHandshakeTimeoutMs: number,
): Promise<HubPorts> {
  const bound: Array<Listener<HttpServer | TcpServer, never>> = [];
  const close = () =>
    Promise.all(
      bound.map((listener) => {
        listener.dropWaiting();
        return closeServer(listener.server);
      }),
    ).then(() => undefined);
  try {
    const http = await waitingListener<HttpServer, RequestHandler>(
      createHttpServer(),
      'request',
      settings.host,
      {
        variable: 'TT_HTTP_PORT',
        port: settings.httpPort,
      },
    );
    bound.push(http);
    const mqtt = await waitingListener<TcpServer, SocketHandler>(
      createTcpServer(),
      'connection',
      settings.host,
      {
        variable: 'TT_MQTT_PORT',
        port: settings.mqttPort,
      },
    );
    bound.push(mqtt);
    let mqttTls: Listener<TcpServer, SocketHandler> | undefined;
    if (settings.tls) {
      const tls = createTlsServer({
        cert: readPem(settings.tls.certPath, 'TT_MQTT_TLS_CERT'),
        key: readPem(settings.tls.keyPath, 'TT_MQTT_TLS_KEY'),
        // Node waits 120 s by default: a half-open handshake must not hold a slot that long.
        handshakeTimeout: tlsHandshakeTimeoutMs,
      });
      mqttTls = await waitingListener<TcpServer, SocketHandler>(tls, 'secureConnection', settings.host, {
        variable: 'TT_MQTT_TLS_PORT',
        port: settings.tls.port,
      });
      bound.push(mqttTls);
    }
    return { http, mqtt, mqttTls, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Listen now; what arrives before `serve` is given its handler then, in order. */
async function waitingListener<S extends HttpServer | TcpServer, H extends (...args: never[]) => void>(
  server: S,
  event: 'request' | 'connection' | 'secureConnection',
  host: string,
  wanted: Wanted,
): Promise<Listener<S, H>> {
  const early: Array<Parameters<H>> = [];
  let handler: H | undefined;
  server.on(event, (...args: Parameters<H>) => (handler ? handler(...args) : early.push(args)));
  const port = await listen(server, host, wanted);
  return {
    server,
    port,
    serve: (next) => {
      handler = next;
      for (const args of early.splice(0)) next(...args);
    },
    dropWaiting: () => {
      // A socket, or an HTTP request's response.
      for (const args of early.splice(0))
        (args.at(-1) as unknown as { destroy?: () => void } | undefined)?.destroy?.();
    },
  };
}

function listen(server: HttpServer | TcpServer, host: string, wanted: Wanted): Promise<number> {
  return new Promise((resolve, reject) => {
    const failed = (err: NodeJS.ErrnoException) => reject(listenError(err, host, wanted));
    server.once('error', failed);
    server.listen(wanted.port, host, () => {
      server.off('error', failed);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : wanted.port);
    });
  });
}

function listenError(err: NodeJS.ErrnoException, host: string, { variable, port }: Wanted): HubError {
  const where = `${host}:${port}`;
  switch (err.code) {
    case 'EADDRINUSE':
      return new HubError('TT_PORT_BUSY', {
        vi: `${where} (${variable}) đã có chương trình khác dùng (có thể là một trạm khác); dừng chương trình đó hoặc đặt ${variable} khác`,
        en: `${where} (${variable}) is taken by another program (perhaps another hub); stop it or set another ${variable}`,
      });
    case 'EACCES':
      return new HubError('TT_LISTEN_FAILED', {
        vi: `${where} (${variable}): cổng dưới 1024 cần quyền root; chọn cổng khác`,
        en: `${where} (${variable}): ports below 1024 need root; choose another port`,
      });
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
      return new HubError('TT_LISTEN_FAILED', {
        vi: `TT_HOST "${host}" không phải địa chỉ của máy này (${err.code}); dùng 0.0.0.0 hoặc một địa chỉ IP của máy`,
        en: `TT_HOST "${host}" is not an address of this machine (${err.code}); use 0.0.0.0 or one of its IP addresses`,
      });
    default:
      return new HubError('TT_LISTEN_FAILED', `${where} (${variable}): ${err.code ?? err.message}`, {
        cause: err,
      });
  }
}

function readPem(path: string, variable: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new HubError(
      'TT_SETTINGS_INVALID',
      `${variable}: ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

function closeServer(server: HttpServer | TcpServer): Promise<void> {
  return new Promise((resolve) => {
    if ('closeAllConnections' in server) server.closeAllConnections();
    server.close(() => resolve());
  });
}
