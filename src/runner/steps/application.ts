/** The steps on the target's application side: a call (`app`) and a state query (`state`). */
import type { AppStepCall, ResultExpectation, Step } from '../../suite/case';
import type { AppCall, AppResult } from '../../targets/target';
import type { Exchange, StepResult } from '../exchange';
import type { Mismatch } from '../result';
import { appCallText, resultText } from '../step-text';
import { rangeText } from '../summary';

/** The protocol's calls for a case's call: a set-option step sets its options one call each. */
function appCalls(x: Exchange, call: AppStepCall): AppCall[] {
  switch (call.call) {
    case 'listen': return [{ call: 'listen', port: x.testCase.port }];
    case 'connect': return [{ call: 'connect', port: x.testCase.port, ...(call.to === 'broadcast' && x.target.broadcast !== undefined && { host: x.target.broadcast }) }];
    case 'set-option': return call.options.map((o) => ({ call: 'set-option', name: o.name, value: o.value }));
    default: return [call];
  }
}

/** Makes `call` on the target and on the oracle's machine, and records it; the target's result. */
async function makeCall(x: Exchange, call: AppCall): Promise<AppResult> {
  // What the target sent before the call is judged first, in the order of the wire.
  await x.collectArrived();
  // The target may answer before the call returns: what it sends from the moment of the call counts.
  const calledMs = x.clock.elapsedMs();
  x.clock.noteActedAt(`making the application call ${call.call}`, calledMs);
  x.clock.moveAnchor(calledMs);
  const result = await x.target.app(call);
  // When between the call and its answer the target acted is unknown: a slow answer is a late call.
  x.clock.noteTook(`waiting for the answer to the application call ${call.call}`, x.clock.elapsedMs() - calledMs);
  x.oracle.appCall(call, calledMs);
  x.trace.push({ kind: 'app-call', timeMs: x.clock.elapsedMs(), call, result, reference: x.oracle.state });
  x.drainAppEvents();
  return result;
}

/** Every way `result` departs from what the case expects of it. */
function resultMismatches(expected: ResultExpectation, result: AppResult & { ok: true }): Mismatch[] {
  const found: Mismatch[] = [];
  const { bytes, eof, atMark } = expected;
  if (bytes && (result.bytes === undefined || result.bytes < bytes.min || result.bytes > bytes.max)) {
    found.push({ field: 'octets', expected: rangeText(bytes), observed: String(result.bytes ?? 'none') });
  }
  if (eof !== undefined && (result.eof ?? false) !== eof) found.push({ field: 'end of file', expected: String(eof), observed: String(result.eof ?? false) });
  if (atMark !== undefined && result.atMark !== atMark) found.push({ field: 'at mark', expected: String(atMark), observed: String(result.atMark ?? 'no answer') });
  return found;
}

/** What a successful result says, in the words a case's `result` uses. */
function observedText(result: AppResult & { ok: true }): string {
  return resultText({
    ...(result.bytes !== undefined && { bytes: { min: result.bytes, max: result.bytes } }),
    ...(result.eof !== undefined && { eof: result.eof }),
    ...(result.atMark !== undefined && { atMark: result.atMark }),
  }) || 'ok';
}

export async function app(x: Exchange, step: Step & { kind: 'app' }): Promise<StepResult> {
  let result: AppResult = { ok: true };
  for (const call of appCalls(x, step.call)) {
    result = await makeCall(x, call);
    if (!result.ok) break;
  }
  const name = appCallText(step.call);
  if (step.error !== undefined) {
    if (result.ok) return { outcome: 'fail', expected: `fails with ${step.error}`, observed: 'succeeded', message: `expected ${name} to fail with ${step.error}, but it succeeded` };
    if (step.error !== 'any' && result.error !== step.error) return { outcome: 'fail', expected: `fails with ${step.error}`, observed: `fails with ${result.error}`, message: `expected ${name} to fail with ${step.error}, but it failed with ${result.error}` };
    return { outcome: 'pass' };
  }
  if (!result.ok) return { outcome: 'fail', expected: 'succeeds', observed: `fails with ${result.error}`, message: `${name} failed on the target: ${result.error}` };
  const observed = observedText(result);
  if (!step.result) return { outcome: 'pass', ...(observed !== 'ok' && { observed }) };
  const expected = resultText(step.result);
  const found = resultMismatches(step.result, result);
  if (found.length === 0) return { outcome: 'pass', expected, observed };
  return { outcome: 'fail', expected, observed, mismatches: found, message: `${name} answered ${observed}; expected ${expected}` };
}

/** RFC 9293 §3.10.6 STATUS: always of the reference machine, and of the target where it can tell. */
export async function state(x: Exchange, step: Step & { kind: 'state' }): Promise<StepResult> {
  const machineState = x.oracle.status(x.clock.elapsedMs());
  if (machineState !== step.state) {
    // The machine's state follows from the case's stimuli alone: this is the case contradicting RFC 9293.
    throw new Error(`the case says ${step.state}, but after these steps the reference machine is in ${machineState} (tcpconform validate finds such cases before any run)`);
  }
  if (!x.target.capabilities.appCalls.includes('state')) {
    return { outcome: 'pass', expected: step.state, observed: `the ${x.target.name} target cannot tell its state` };
  }
  const call: AppCall = { call: 'state' };
  const result = await x.target.app(call);
  x.trace.push({ kind: 'app-call', timeMs: x.clock.elapsedMs(), call, result });
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
