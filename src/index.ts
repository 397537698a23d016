/**
 * tcpconform as a library (`import … from 'tcpconform'`): load cases, pick or build targets, run, and
 * write the report, as the command line does. For jest, `tcpconform/jest` (src/jest/index.ts).
 *
 *   import { findDriver, loadSuites, OWN_SUITES, runSuite, writeReportFromResults } from 'tcpconform';
 *   const { cases } = loadSuites([OWN_SUITES]);
 *   const driver = findDriver('adapter', { adapter: { command: './my-adapter', profile: './my-stack.yaml' } });
 *   await driver.preflight();
 *   const results = await runSuite(cases, [driver], [], { jobs: 8 });
 *   writeReportFromResults('reports/mine', results);
 */
import { packagePath } from './package-root';

/** tcpconform's own suite of cases, wherever the package is installed. */
export const OWN_SUITES = packagePath('suites');

export { main } from './cli/main';
export { findDriver, findDrivers, type AdapterSettings, type DriverSettings } from './cli/drivers';
export { loadSuites, type LoadedSuite } from './cli/load-suites';
export { loadProfile, namedProfile, rfcProfile } from './cli/load-profiles';
export { selectCases, type Selection } from './cli/select';
export { readResults, writeReportFromResults } from './cli/outputs';
export { gate } from './cli/gate';
export { runSuite, type Reporter, type RunOptions, type TargetDriver } from './runner/run-suite';
export { runCase } from './runner/run-case';
export type { CaseResult, TargetInfo, Verdict } from './runner/result';
export type { Case, RequirementLevel } from './suite/case';
export type { TargetProfile } from './profile/parse';
export type { AddressFamily, AppCall, AppEvent, AppResult, Capabilities, Target, TimedPacket } from './targets/target';
export { createProcessTarget, PROTOCOL_VERSION, type ProcessTargetOptions } from './targets/process';
export { checkAdapter, type AdapterCheckOptions, type AdapterCheckReport, type CheckOutcome } from './targets/process/check/adapter-check';
