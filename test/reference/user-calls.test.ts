/**
 * The user calls' error answers, in the RFC's words (RFC 9293 §3.10.1 to §3.10.6).
 */
import { UserCallError } from '../../src/reference';
import { closed, established, FIXTURES, listen, REMOTE } from './fixtures';

function refusal(call: () => unknown): UserCallError {
  try {
    call();
  } catch (error) {
    if (error instanceof UserCallError) return error;
    throw error;
  }
  throw new Error('the call succeeded');
}

describe('user call errors', () => {
  test('OPEN on an open connection: "connection already exists"', () => {
    const error = refusal(() => established().openPassive(0));
    expect(error).toMatchObject({ reason: 'connection already exists', rule: '3.10.1/already-exists' });
    expect(error.message).toBe('error: connection already exists (3.10.1/already-exists)');
    expect(refusal(() => listen().openPassive(0)).reason).toBe('connection already exists');
    expect(refusal(() => established().openActive(REMOTE, 1, 0)).reason).toBe('connection already exists');
  });

  test.each([
    ['SEND in CLOSED', () => closed().send(1, 0), 'connection does not exist'],
    ['SEND in LISTEN', () => listen().send(1, 0), 'remote socket unspecified'],
    ['SEND after CLOSE', () => FIXTURES['FIN-WAIT-1']().send(1, 0), 'connection closing'],
    ['SEND in TIME-WAIT', () => FIXTURES['TIME-WAIT']().send(1, 0), 'connection closing'],
    ['RECEIVE in CLOSED', () => closed().receive(1, 0), 'connection does not exist'],
    ['STATUS in CLOSED', () => closed().status(), 'connection does not exist'],
  ] as const)('%s: "%s"', (_, call, reason) => {
    expect(refusal(call).reason).toBe(reason);
  });

  test('STATUS in any other state returns the state and the TCB', () => {
    const ep = established();
    expect(ep.status()).toEqual({ state: 'ESTABLISHED', tcb: ep.tcb });
  });
});
