/**
 * The process that started this one, read as early as the CLI runs: a hub checks against it to
 * stop with npm, and npm may be gone before the hub has finished starting.
 */
export const parentAtStart: number = process.ppid;
