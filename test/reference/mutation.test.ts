/**
 * The seams a mutant goes through (src/reference/mutation.ts): a skipped rule, an altered segment form,
 * a moved boundary and a rescaled timer each change the machine at that one place, and the machine
 * without a mutation is the reference.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_BOUNDARIES, boundaryInfo, BranchSkipped, ReferenceEndpoint, relationHolds, relationOf, type Mutation } from '../../src/reference';
import { lt } from '../../src/reference/boundaries';
import { TcpFlag } from '../../src/wire';
import { arrive, IRS, ISS, LOCAL, profile, sent, transitions } from './fixtures';

/** An endpoint with `mutation` brought to ESTABLISHED by a passive open, as the fixtures do. */
function established(mutation: Mutation): ReferenceEndpoint {
  const ep = new ReferenceEndpoint(profile(), LOCAL, { iss: ISS, mutation });
  ep.openPassive(0);
  arrive(ep, { flags: 'S', seq: IRS, ack: 0, options: [{ kind: 'mss', mss: 1460 }] });
  arrive(ep);
  return ep;
}

describe('a mutant', () => {
  test('with a rule skipped, the event ends where the rule would decide', () => {
    const skipReset: Mutation = {
      fired(rule) {
        if (rule === '3.10.7.4/rst/reset') throw new BranchSkipped(rule);
      },
    };
    const ep = established(skipReset);
    const out = arrive(ep, { flags: 'R' });
    expect(transitions(out)).toEqual([]);
    expect(ep.state).toBe('ESTABLISHED');
    // The reference resets.
    const reference = established({});
    arrive(reference, { flags: 'R' });
    expect(reference.state).toBe('CLOSED');
  });

  test('with a segment form altered, every segment of that form is sent altered', () => {
    const ackOneHigh: Mutation = { emitting: (form, segment) => (form === 'ack' ? { ...segment, ack: segment.ack + 1 } : segment) };
    const ep = established(ackOneHigh);
    const out = arrive(ep, { data: 10 });
    expect(sent(out)).toEqual([`A seq ${ISS + 1} ack ${IRS + 12} len 0`]);
  });

  test("the reset of a segment is offered in the other form too, for a mutant to send instead", () => {
    let other;
    const ep = new ReferenceEndpoint(profile(), LOCAL, { iss: ISS, mutation: { emitting: (_, segment, alternative) => ((other = alternative), segment) } });
    ep.segmentArrives({ srcPort: 40000, dstPort: LOCAL.port, seq: 5, ack: 77, flags: TcpFlag.ACK, window: 0, urgentPointer: 0, options: [], payload: new Uint8Array(3) }, 0);
    expect(other).toMatchObject({ flags: TcpFlag.RST | TcpFlag.ACK, seq: 0, ack: 8 });
  });

  test('with a boundary moved by one, the comparison answers as if its right side were one more', () => {
    const finOneShort: Mutation = { shift: (boundary) => (boundary === '3.10.7.4 LAST-ACK: SND.UNA = FIN+1' ? -1 : 0) };
    const ep = established(finOneShort);
    arrive(ep, { flags: 'FA' });
    ep.close(0);
    expect(ep.state).toBe('LAST-ACK');
    // An ACK that does not cover the FIN closes the connection.
    arrive(ep, { ack: ISS + 1 });
    expect(ep.state).toBe('CLOSED');
  });

  test('with a timer rescaled, it expires at the new deadline', () => {
    const halfTimeWait: Mutation = { arming: (timer, delay) => (timer === 'timeWait' ? delay / 2 : delay) };
    const ep = established(halfTimeWait);
    ep.shutdown(0);
    arrive(ep, { flags: 'FA' });
    expect(ep.state).toBe('TIME-WAIT');
    expect(ep.nextDeadline()).toBe(profile().mslMs);
  });

  test('a timer that never starts never expires', () => {
    const neverRetransmit: Mutation = { arming: (timer, delay) => (timer === 'retransmission' ? undefined : delay) };
    const ep = new ReferenceEndpoint(profile(), LOCAL, { iss: ISS, mutation: neverRetransmit });
    ep.openActive({ address: '198.18.0.2', port: 40000 }, ISS, 0);
    expect(sent(ep.tick(60_000))).toEqual([]);
  });
});

describe('boundaries', () => {
  const sources = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return sources(path);
      return entry.name.endsWith('.ts') && entry.name !== 'boundaries.ts' ? [readFileSync(path, 'utf8')] : [];
    });
  const code = sources(join(__dirname, '../../src/reference')).join('\n');

  test('each is named by its relation, and is compared somewhere in the machine', () => {
    for (const boundary of ALL_BOUNDARIES) {
      expect(['<', '=<', '=', '>=', '>']).toContain(relationOf(boundary).op);
      expect(code).toContain(`'${boundary}'`);
    }
  });

  test('each comparison is made with the relation its name states', () => {
    const functions = { lt: '<', le: '=<', eq: '=', ge: '>=', gt: '>' } as const;
    const calls = [...code.matchAll(/\b(lt|le|eq|ge|gt)\(m, '([^']+)'/g)];
    expect(calls.length).toBeGreaterThan(20);
    for (const [, fn, boundary] of calls) expect([boundary, relationOf(boundary as never).op]).toEqual([boundary, functions[fn as keyof typeof functions]]);
  });

  test('each names the rule it guards and what it decides', () => {
    for (const boundary of ALL_BOUNDARIES) expect(boundaryInfo(boundary).decides.length).toBeGreaterThan(15);
  });

  test('relations compare sequence numbers modulo 2^32, and counts as numbers', () => {
    expect(relationHolds('<', 0xffff_fff0, 5)).toBe(true);
    expect(relationHolds('>', 5, 0xffff_fff0)).toBe(true);
    expect(relationHolds('=<', 7, 7)).toBe(true);
    expect(relationHolds('>=', 499.5, 500)).toBe(false);
    expect(relationHolds('=', 3, 4)).toBe(false);
  });

  test("a mutant's run refuses a comparison made with another relation than its name states", () => {
    const mutant = { mutation: { shift: () => 0 } };
    expect(() => lt(mutant, '3.6.1 TIME-WAIT, new SYN: SEG.SEQ > RCV.NXT', 1, 2)).toThrow(/is tested with <, not the relation its name states/);
  });
});

