export { dataVersion, openStore, type Store, transaction } from './store.ts';
