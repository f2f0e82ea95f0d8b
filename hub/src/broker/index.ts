// First: mqtt-packet must find the quiet `debug` when aedes loads it.
import './quiet-debug.ts';

export { publishRefusal, subscribeRefusal } from './acl.ts';
export { Broker, type BrokerDeps, type BrokerListeners, type BrokerStatus } from './broker.ts';
