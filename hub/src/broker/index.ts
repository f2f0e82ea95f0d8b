export { publishRefusal, subscribeRefusal } from './acl.ts';
export { Broker, type BrokerDeps, type BrokerListen } from './broker.ts';
