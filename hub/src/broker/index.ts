// First, so that mqtt-packet finds the quiet `debug` when aedes loads it (the `hub` command; under
// `demo` the simulated devices' mqtt.js has loaded it before).
import './quiet-debug.ts';

export { publishRefusal, subscribeRefusal } from './acl.ts';
export { Broker, type BrokerDeps, type BrokerListeners, type BrokerStatus } from './broker.ts';
