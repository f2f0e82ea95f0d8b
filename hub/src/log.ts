import { type DestinationStream, type Logger, pino } from 'pino';

// Secrets never reach a log line, whatever a caller passes in (docs/architecture.md).
const REDACT = [
  'password',
  'secret',
  'token',
  '*.password',
  '*.secret',
  '*.token',
  'req.headers.cookie',
  'req.headers.authorization',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    { level, base: { app: 'thanthien' }, redact: { paths: REDACT, censor: '[redacted]' } },
    destination,
  );
}

export type { Logger };
