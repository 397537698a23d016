/**
 * Every (state, segment kind) pair that RFC 9293 §3.10.7 distinguishes, in all eleven states, with RFC
 * 5961's challenge ACKs on and off: what the endpoint answers and the state it is in afterwards.
 */
import { segLen, type ReferenceEndpoint } from '../../src/reference';
import { formatFlags, seqAdd, type TcpSegment, type TcpState } from '../../src/wire';
import { FIXTURES, ISS, peerSegment, rfc5961, segments, type PeerSegment } from './fixtures';

/** Segment kinds, each placed relative to the endpoint's RCV.NXT, RCV.WND and SND.NXT. */
const KINDS = {
  SYN: () => ({ flags: 'S', ack: 0 }),
  'SYN-ACK': () => ({ flags: 'SA' }),
  'ACK, acceptable': () => ({ flags: 'A' }),
  'ACK of data not yet sent': (t) => ({ flags: 'A', ack: seqAdd(t.sndNxt, 1000) }),
  'RST at RCV.NXT': () => ({ flags: 'R', ack: 0 }),
  'RST in window, not at RCV.NXT': (t) => ({ flags: 'R', ack: 0, seq: seqAdd(t.rcvNxt, 10) }),
  'RST outside the window': (t) => ({ flags: 'R', ack: 0, seq: seqAdd(t.rcvNxt, t.rcvWnd + 10) }),
  FIN: () => ({ flags: 'FA' }),
  'data in window': () => ({ flags: 'PA', data: 10 }),
  'data outside the window': (t) => ({ flags: 'PA', data: 10, seq: seqAdd(t.rcvNxt, t.rcvWnd) }),
  'data partly old': (t) => ({ flags: 'PA', data: 10, seq: seqAdd(t.rcvNxt, -5) }),
  'data out of order': (t) => ({ flags: 'PA', data: 10, seq: seqAdd(t.rcvNxt, 10) }),
} satisfies Record<string, (t: ReferenceEndpoint['tcb']) => PeerSegment>;

type Kind = keyof typeof KINDS;

/**
 * The answer, in the RFC's notation:
 * - `-`: nothing;
 * - `ACK`: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, with the values after processing;
 * - `RST(SEG.ACK)`: <SEQ=SEG.ACK><CTL=RST>; `RST,ACK(0)`: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>;
 * - `SYN,ACK`: <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>.
 */
type Reply = '-' | 'ACK' | 'RST(SEG.ACK)' | 'RST,ACK(0)' | 'SYN,ACK';
type Outcome = readonly [Reply, TcpState];
/** One outcome, or one with RFC 5961's challenge ACKs and one without. */
type Expected = Outcome | { readonly on: Outcome; readonly off: Outcome };

const ANSWERS_RESET = (state: TcpState): Record<Kind, Expected> => ({
  SYN: ['RST,ACK(0)', state],
  'SYN-ACK': ['RST(SEG.ACK)', state],
  'ACK, acceptable': ['RST(SEG.ACK)', state],
  'ACK of data not yet sent': ['RST(SEG.ACK)', state],
  'RST at RCV.NXT': ['-', state],
  'RST in window, not at RCV.NXT': ['-', state],
  'RST outside the window': ['-', state],
  FIN: ['RST(SEG.ACK)', state],
  'data in window': ['RST(SEG.ACK)', state],
  'data outside the window': ['RST(SEG.ACK)', state],
  'data partly old': ['RST(SEG.ACK)', state],
  'data out of order': ['RST(SEG.ACK)', state],
});

/** The RST and SYN rows shared by the synchronized states (RFC 9293 §3.10.7.4 second and fourth). */
const SYNCHRONIZED_CONTROL = (state: TcpState): Pick<Record<Kind, Expected>, 'SYN' | 'SYN-ACK' | 'RST at RCV.NXT' | 'RST in window, not at RCV.NXT' | 'RST outside the window'> => ({
  SYN: { on: ['ACK', state], off: ['RST,ACK(0)', 'CLOSED'] },
  'SYN-ACK': { on: ['ACK', state], off: ['RST(SEG.ACK)', 'CLOSED'] },
  'RST at RCV.NXT': ['-', 'CLOSED'],
  'RST in window, not at RCV.NXT': { on: ['ACK', state], off: ['-', 'CLOSED'] },
  'RST outside the window': ['-', state],
});

const TABLE: Record<TcpState, Record<Kind, Expected>> = {
  // §3.10.7.1: no TCB; anything but a RST draws a reset.
  CLOSED: ANSWERS_RESET('CLOSED'),
  // §3.10.7.2: RST ignored, ACK reset, SYN answered.
  LISTEN: { ...ANSWERS_RESET('LISTEN'), SYN: ['SYN,ACK', 'SYN-RECEIVED'] },
  // §3.10.7.3.
  'SYN-SENT': {
    SYN: ['SYN,ACK', 'SYN-RECEIVED'],
    'SYN-ACK': ['ACK', 'ESTABLISHED'],
    'ACK, acceptable': ['-', 'SYN-SENT'],
    'ACK of data not yet sent': ['RST(SEG.ACK)', 'SYN-SENT'],
    'RST at RCV.NXT': ['-', 'SYN-SENT'],
    'RST in window, not at RCV.NXT': ['-', 'SYN-SENT'],
    'RST outside the window': ['-', 'SYN-SENT'],
    FIN: ['-', 'SYN-SENT'],
    'data in window': ['-', 'SYN-SENT'],
    'data outside the window': ['-', 'SYN-SENT'],
    'data partly old': ['-', 'SYN-SENT'],
    'data out of order': ['-', 'SYN-SENT'],
  },
  // §3.10.7.4, after a passive OPEN.
  'SYN-RECEIVED': {
    SYN: ['-', 'LISTEN'],
    'SYN-ACK': ['-', 'LISTEN'],
    'ACK, acceptable': ['-', 'ESTABLISHED'],
    'ACK of data not yet sent': ['RST(SEG.ACK)', 'SYN-RECEIVED'],
    'RST at RCV.NXT': ['-', 'LISTEN'],
    'RST in window, not at RCV.NXT': { on: ['ACK', 'SYN-RECEIVED'], off: ['-', 'LISTEN'] },
    'RST outside the window': ['-', 'SYN-RECEIVED'],
    FIN: ['ACK', 'CLOSE-WAIT'],
    'data in window': ['ACK', 'ESTABLISHED'],
    'data outside the window': ['ACK', 'SYN-RECEIVED'],
    'data partly old': ['ACK', 'ESTABLISHED'],
    'data out of order': ['ACK', 'ESTABLISHED'],
  },
  ESTABLISHED: {
    ...SYNCHRONIZED_CONTROL('ESTABLISHED'),
    'ACK, acceptable': ['-', 'ESTABLISHED'],
    'ACK of data not yet sent': ['ACK', 'ESTABLISHED'],
    FIN: ['ACK', 'CLOSE-WAIT'],
    'data in window': ['ACK', 'ESTABLISHED'],
    'data outside the window': ['ACK', 'ESTABLISHED'],
    'data partly old': ['ACK', 'ESTABLISHED'],
    'data out of order': ['ACK', 'ESTABLISHED'],
  },
  // The kinds acknowledge SND.NXT, which includes our FIN: each acceptable one moves on to FIN-WAIT-2.
  'FIN-WAIT-1': {
    ...SYNCHRONIZED_CONTROL('FIN-WAIT-1'),
    'ACK, acceptable': ['-', 'FIN-WAIT-2'],
    'ACK of data not yet sent': ['ACK', 'FIN-WAIT-1'],
    FIN: ['ACK', 'TIME-WAIT'],
    'data in window': ['ACK', 'FIN-WAIT-2'],
    'data outside the window': ['ACK', 'FIN-WAIT-1'],
    'data partly old': ['ACK', 'FIN-WAIT-2'],
    'data out of order': ['ACK', 'FIN-WAIT-2'],
  },
  'FIN-WAIT-2': {
    ...SYNCHRONIZED_CONTROL('FIN-WAIT-2'),
    'ACK, acceptable': ['-', 'FIN-WAIT-2'],
    'ACK of data not yet sent': ['ACK', 'FIN-WAIT-2'],
    FIN: ['ACK', 'TIME-WAIT'],
    'data in window': ['ACK', 'FIN-WAIT-2'],
    'data outside the window': ['ACK', 'FIN-WAIT-2'],
    'data partly old': ['ACK', 'FIN-WAIT-2'],
    'data out of order': ['ACK', 'FIN-WAIT-2'],
  },
  // After the peer's FIN, its text is ignored (seventh step) and a FIN again only acknowledged.
  'CLOSE-WAIT': {
    ...SYNCHRONIZED_CONTROL('CLOSE-WAIT'),
    'ACK, acceptable': ['-', 'CLOSE-WAIT'],
    'ACK of data not yet sent': ['ACK', 'CLOSE-WAIT'],
    FIN: ['ACK', 'CLOSE-WAIT'],
    'data in window': ['-', 'CLOSE-WAIT'],
    'data outside the window': ['ACK', 'CLOSE-WAIT'],
    'data partly old': ['-', 'CLOSE-WAIT'],
    'data out of order': ['-', 'CLOSE-WAIT'],
  },
  // Acceptable kinds acknowledge our FIN: TIME-WAIT.
  CLOSING: {
    ...SYNCHRONIZED_CONTROL('CLOSING'),
    'ACK, acceptable': ['-', 'TIME-WAIT'],
    'ACK of data not yet sent': ['ACK', 'CLOSING'],
    FIN: ['ACK', 'TIME-WAIT'],
    'data in window': ['-', 'TIME-WAIT'],
    'data outside the window': ['ACK', 'CLOSING'],
    'data partly old': ['-', 'TIME-WAIT'],
    'data out of order': ['-', 'TIME-WAIT'],
  },
  // Acceptable kinds acknowledge our FIN: CLOSED.
  'LAST-ACK': {
    ...SYNCHRONIZED_CONTROL('LAST-ACK'),
    'ACK, acceptable': ['-', 'CLOSED'],
    'ACK of data not yet sent': ['ACK', 'LAST-ACK'],
    FIN: ['-', 'CLOSED'],
    'data in window': ['-', 'CLOSED'],
    'data outside the window': ['ACK', 'LAST-ACK'],
    'data partly old': ['-', 'CLOSED'],
    'data out of order': ['-', 'CLOSED'],
  },
  'TIME-WAIT': {
    ...SYNCHRONIZED_CONTROL('TIME-WAIT'),
    'ACK, acceptable': ['-', 'TIME-WAIT'],
    'ACK of data not yet sent': ['ACK', 'TIME-WAIT'],
    FIN: ['ACK', 'TIME-WAIT'],
    'data in window': ['-', 'TIME-WAIT'],
    'data outside the window': ['ACK', 'TIME-WAIT'],
    'data partly old': ['-', 'TIME-WAIT'],
    'data out of order': ['-', 'TIME-WAIT'],
  },
};

/** The segment `reply` stands for, as a trace line, given the segment answered and the endpoint after. */
function expectedLine(reply: Reply, seg: TcpSegment, after: ReferenceEndpoint): string | undefined {
  switch (reply) {
    case '-':
      return undefined;
    case 'ACK':
      return `A seq ${after.tcb.sndNxt} ack ${after.tcb.rcvNxt}`;
    case 'RST(SEG.ACK)':
      return `R seq ${seg.ack} ack 0`;
    case 'RST,ACK(0)':
      return `RA seq 0 ack ${seqAdd(seg.seq, segLen(seg))}`;
    case 'SYN,ACK':
      return `SA seq ${ISS} ack ${seqAdd(seg.seq, 1)}`;
  }
}

const ROWS = Object.entries(TABLE).flatMap(([state, kinds]) =>
  Object.entries(kinds).flatMap(([kind, expected]) =>
    [true, false].map((challengeAcks) => {
      const outcome: Outcome = 'on' in expected ? (challengeAcks ? expected.on : expected.off) : expected;
      return { state: state as TcpState, kind: kind as Kind, challengeAcks, reply: outcome[0], next: outcome[1] };
    }),
  ),
);

describe.each(['on', 'off'])('RFC 5961 challenge ACKs %s', (mode) => {
  test.each(ROWS.filter((row) => row.challengeAcks === (mode === 'on')))('$state + $kind: $reply, then $next', ({ state, kind, challengeAcks, reply, next }) => {
    const ep = FIXTURES[state](rfc5961(challengeAcks));
    const seg = peerSegment(ep, KINDS[kind](ep.tcb));
    const outputs = ep.segmentArrives(seg, 0);
    const answer = segments(outputs).map((s) => `${formatFlags(s.flags)} seq ${s.seq} ack ${s.ack}`);
    const wanted = expectedLine(reply, seg, ep);
    expect(answer).toEqual(wanted === undefined ? [] : [wanted]);
    expect(ep.state).toBe(next);
  });
});
