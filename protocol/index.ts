export * from './messages.ts';
export * from './result.ts';
export * from './topics.ts';
