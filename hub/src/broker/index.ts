export { publishRefusal, subscribeRefusal } from './acl.ts';
export { Broker, type BrokerDeps, type BrokerListeners, type BrokerStatus } from './broker.ts';
