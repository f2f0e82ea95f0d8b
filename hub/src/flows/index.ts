export { type FlowsHealth, type FlowsOptions, FlowsSupervisor } from './supervisor.ts';
