export { connect, type InfluxTarget, parseInfluxUrl, redact } from './connection.ts';
export { InfluxWriter, type WriterStatus } from './writer.ts';
