/**
 * Sanity: each fixture is in the state, with the numbers, that the real transitions give (smoltcp's
 * `sanity!`). Every other test builds on these.
 */
import { TCP_STATES } from '../../src/wire';
import { FIXTURES, IRS, ISS } from './fixtures';

/** [state, SND.UNA, SND.NXT, RCV.NXT] relative to ISS and IRS, as Figures 6, 12 and 13 have them. */
const EXPECTED = [
  ['SYN-SENT', 0, 1, -IRS],
  ['SYN-RECEIVED', 0, 1, 1],
  ['ESTABLISHED', 1, 1, 1],
  ['FIN-WAIT-1', 1, 2, 1],
  ['FIN-WAIT-2', 2, 2, 1],
  ['CLOSE-WAIT', 1, 1, 2],
  ['CLOSING', 1, 2, 2],
  ['LAST-ACK', 1, 2, 2],
  ['TIME-WAIT', 2, 2, 2],
] as const;

describe('fixtures', () => {
  test.each(TCP_STATES)('%s is reached by real transitions', (state) => {
    expect(FIXTURES[state]().state).toBe(state);
  });

  test.each(EXPECTED)('%s has SND.UNA ISS+%i, SND.NXT ISS+%i, RCV.NXT IRS+%i', (state, una, nxt, rcv) => {
    const { tcb } = FIXTURES[state]();
    expect([tcb.sndUna - ISS, tcb.sndNxt - ISS, tcb.rcvNxt - IRS]).toEqual([una, nxt, rcv]);
  });
});
