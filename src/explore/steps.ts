/**
 * What `explore` generates: stimuli only — segments from the peer, calls of the target's application,
 * time passing — in the shapes of the suite's own steps, so that a sequence is written as a case the
 * suite takes. Valid and invalid numbers alike: sequence numbers around the peer's next one and far
 * from it, acknowledgments of nothing, of everything and of what was never sent, flag combinations no
 * peer should send, zero and tiny windows, options, data of several sizes. Each choice lists its most
 * ordinary value first: fast-check shrinks towards it, so a shrunk case keeps only what matters.
 */
import fc from 'fast-check';
import type { AppCallName } from '../targets/target';

export type GeneratedStep =
  | {
      readonly kind: 'send';
      readonly flags: string;
      /** From the peer's next new sequence number; 0 leaves `seq` out (the case continues the connection). */
      readonly seqDelta: number;
      /** A relative acknowledgment; undefined leaves `ack` out (everything the target sent). */
      readonly ack: number | undefined;
      readonly win: number | undefined;
      readonly data: number;
      readonly option: 'none' | 'mss' | 'wscale' | 'sackOK' | 'zero-length';
    }
  | { readonly kind: 'app'; readonly call: 'write' | 'read' | 'close' | 'shutdown' | 'abort' | 'stop-reading'; readonly bytes: number }
  | { readonly kind: 'wait'; readonly ms: number };

const FLAGS = ['A', 'PA', 'FA', 'R', 'RA', 'S', 'SA', 'P', 'F', 'FPA', '.', 'SF', 'SR', 'RF', 'UA'] as const;
const SEQ_DELTAS = [0, 1, -1, 100, -100, 1000, 65535, 70000, -70000, 2 ** 31] as const;
const ACKS = [undefined, 1, 0, 2, 101, 1001, 100000, 2 ** 31] as const;
const WINDOWS = [undefined, 0, 1, 100, 1000] as const;
const DATA = [0, 1, 10, 100, 1460, 3000] as const;
const OPTIONS = ['none', 'mss', 'wscale', 'sackOK', 'zero-length'] as const;
const CALLS = ['write', 'read', 'close', 'shutdown', 'abort', 'stop-reading'] as const;
const WRITES = [100, 1, 1000, 10000] as const;
const WAITS = [100, 10, 1000, 5000, 60000, 300000] as const;

const send = fc.record({
  kind: fc.constant('send' as const),
  flags: fc.constantFrom(...FLAGS),
  seqDelta: fc.constantFrom(...SEQ_DELTAS),
  ack: fc.constantFrom(...ACKS),
  win: fc.constantFrom(...WINDOWS),
  data: fc.constantFrom(...DATA),
  option: fc.constantFrom(...OPTIONS),
});

function app(calls: readonly AppCallName[]) {
  const usable = CALLS.filter((c) => calls.includes(c));
  return fc.record({ kind: fc.constant('app' as const), call: fc.constantFrom(...usable), bytes: fc.constantFrom(...WRITES) });
}

const wait = fc.record({ kind: fc.constant('wait' as const), ms: fc.constantFrom(...WAITS) });

/** Sequences of 1 to `maxSteps` stimuli, using only the application calls the target can make. */
export function stimuli(calls: readonly AppCallName[], maxSteps = 6): fc.Arbitrary<GeneratedStep[]> {
  const step = fc.oneof({ weight: 6, arbitrary: send }, { weight: 3, arbitrary: app(calls) }, { weight: 1, arbitrary: wait });
  return fc.array(step, { minLength: 1, maxLength: maxSteps });
}

/** Octets of sequence space a segment of `flags` carrying `data` octets takes (RFC 9293 §3.4). */
const spaceOf = (flags: string, data: number): number => data + (flags.includes('S') ? 1 : 0) + (flags.includes('F') ? 1 : 0);

/**
 * The steps as the suite writes them (plain objects for YAML), from a peer whose next new sequence
 * number is `peerNext` (relative): a `send` that moves the peer on moves the next one's `seq`, as the
 * runner's numbering does.
 */
export function caseSteps(steps: readonly GeneratedStep[], peerNext: number): unknown[] {
  let next = peerNext;
  return steps.map((step) => {
    switch (step.kind) {
      case 'wait':
        return { wait: step.ms >= 1000 ? `${step.ms / 1000}s` : `${step.ms}ms` };
      case 'app':
        return { app: step.call === 'write' ? { write: step.bytes } : step.call };
      case 'send': {
        const seq = (next + step.seqDelta) >>> 0;
        const segment: Record<string, unknown> = { flags: step.flags };
        if (step.seqDelta !== 0) segment['seq'] = seq;
        if (step.ack !== undefined) segment['ack'] = step.ack;
        if (step.win !== undefined) segment['win'] = step.win;
        if (step.data > 0) segment['data'] = step.data;
        if (step.flags.includes('U')) segment['urg'] = Math.max(1, step.data);
        if (step.option !== 'none') segment['options'] = [optionOf(step.option)];
        const space = spaceOf(step.flags, step.data);
        // As the runner's Numbering.notePeerSent: only sequence space beyond the furthest sent moves the peer on.
        if (space > 0) {
          const end = (seq + space) >>> 0;
          if (((end - next) | 0) > 0) next = end;
        }
        return { send: segment };
      }
    }
  });
}

function optionOf(option: (GeneratedStep & { kind: 'send' })['option']): unknown {
  switch (option) {
    case 'mss': return { mss: 536 };
    case 'wscale': return { wscale: 7 };
    case 'sackOK': return 'sackOK';
    // An option whose length field says 0: illegal (RFC 9293 §3.1, MUST-7 asks a TCP to survive it).
    case 'zero-length': return { raw: '0800' };
    default: return 'nop';
  }
}
