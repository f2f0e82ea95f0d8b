export * from './grades.ts';
export * from './messages.ts';
export * from './result.ts';
export * from './topics.ts';
