export { createProcessTarget, DEFAULT_TIMEOUTS, ProcessTarget } from './process-target';
export type { ProcessTargetOptions } from './process-target';
export type { SessionTimeouts as AdapterTimeouts } from './session';
export { PROTOCOL_VERSION } from './messages';
export { checkAdapterLine, checkHarnessMessage } from './validate';
