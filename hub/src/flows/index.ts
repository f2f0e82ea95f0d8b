export { type FlowAllowance, FlowAllowances, HUB_FLOWS_USER } from './allowances.ts';
export { type FlowsHealth, type FlowsOptions, FlowsSupervisor } from './supervisor.ts';
