export { LinuxTarget, createLinuxTarget } from './linux-target';
export { reapStaleNamespaces } from './reap';
export { TargetSetupError } from './setup-error';
export { checkLinuxHost } from './preflight';
