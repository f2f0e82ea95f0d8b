export { InfluxHttp, type InfluxTarget, parseInfluxUrl, redact } from './connection.ts';
export { toLine } from './line-protocol.ts';
export { InfluxWriter, type WriterStatus } from './writer.ts';
