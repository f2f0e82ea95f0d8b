export { claimDataDir, type DataDirClaim, ensureDataDir } from './data-dir.ts';
export { dataVersion, openStore, type Store, transaction } from './store.ts';
