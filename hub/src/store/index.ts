export { claimDataDir, type DataDirClaim, ensureDataDir } from './data-dir.ts';
export { GroupCommit } from './group-commit.ts';
export { statement } from './statements.ts';
export { dataVersion, openStore, type Store, transaction } from './store.ts';
