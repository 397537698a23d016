/** The steps on the target's application side: a call (`app`) and a state query (`state`). */
import type { AppStepCall, Step } from '../../suite/case';
import type { AppCall } from '../../targets/target';
import type { Exchange, StepResult } from '../exchange';
import { appCallText } from '../step-text';

function appCall(x: Exchange, call: AppStepCall): AppCall {
  switch (call.call) {
    case 'listen': return { call: 'listen', port: x.testCase.port };
    case 'connect': return { call: 'connect', port: x.testCase.port, ...(call.to === 'broadcast' && x.target.broadcast !== undefined && { host: x.target.broadcast }) };
    default: return call;
  }
}

export async function app(x: Exchange, step: Step & { kind: 'app' }): Promise<StepResult> {
  const call = appCall(x, step.call);
  // What the target sent before the call is judged first, in the order of the wire.
  await x.collectArrived();
  // The target may answer before the call returns: what it sends from the moment of the call counts.
  const calledMs = x.elapsedMs();
  x.moveAnchor(calledMs);
  const result = await x.target.app(call);
  await x.oracle.appCall(call, calledMs);
  x.trace.push({ kind: 'app-call', timeMs: x.elapsedMs(), call, result, reference: x.oracle.state });
  x.drainAppEvents();
  const name = appCallText(step.call);
  if (step.error !== undefined) {
    if (result.ok) return { outcome: 'fail', expected: `fails with ${step.error}`, observed: 'succeeded', message: `expected ${name} to fail with ${step.error}, but it succeeded` };
    if (step.error !== 'any' && result.error !== step.error) return { outcome: 'fail', expected: `fails with ${step.error}`, observed: `fails with ${result.error}`, message: `expected ${name} to fail with ${step.error}, but it failed with ${result.error}` };
    return { outcome: 'pass' };
  }
  if (!result.ok) return { outcome: 'fail', expected: 'succeeds', observed: `fails with ${result.error}`, message: `${name} failed on the target: ${result.error}` };
  return { outcome: 'pass', ...(result.bytes !== undefined && { observed: `${result.bytes} octets` }) };
}

/** RFC 9293 §3.10.6 STATUS: always of the reference machine, and of the target where it can tell. */
export async function state(x: Exchange, step: Step & { kind: 'state' }): Promise<StepResult> {
  const machineState = x.oracle.status(x.elapsedMs());
  if (machineState !== step.state) {
    // The machine's state follows from the case's stimuli alone: this is the case contradicting RFC 9293.
    throw new Error(`the case says ${step.state}, but after these steps the reference machine is in ${machineState} (tcpconform validate finds such cases before any run)`);
  }
  if (!x.target.capabilities.appCalls.includes('state')) {
    return { outcome: 'pass', expected: step.state, observed: `the ${x.target.name} target cannot tell its state` };
  }
  const call: AppCall = { call: 'state' };
  const result = await x.target.app(call);
  x.trace.push({ kind: 'app-call', timeMs: x.elapsedMs(), call, result });
  if (!result.ok) throw new Error(`the target could not tell its state: ${result.error}`);
  const observed = result.state ?? 'nothing';
  if (observed === step.state) return { outcome: 'pass', expected: step.state, observed };
  return {
    outcome: 'fail',
    expected: step.state,
    observed,
    mismatches: [{ field: 'state', expected: step.state, observed }],
    message: `state: expected ${step.state}, observed ${observed}`,
  };
}
