export { dataVersion, openStore, type Store, transaction } from './store.ts';
export { claimDataDir, type DataDirClaim, ensureDataDir } from './data-dir.ts';
