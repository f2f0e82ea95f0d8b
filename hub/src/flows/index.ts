export { type FlowAllowance, FlowAllowances } from './allowances.ts';
export { type FlowsHealth, type FlowsOptions, FlowsSupervisor } from './supervisor.ts';
