export { RawTarget, createRawTarget } from './raw-target';
export { preflightRawTarget } from './probe';
export { RAW_SETTINGS, rawConfig, rawProfileName, rawSettingsFromEnv } from './settings';
export type { RawSettings } from './settings';
export { rstRule, droppedResets } from './rst-rule';
export type { RawConfig, ApplicationSide, Endpoint, PortRange, VethLink } from './config';
