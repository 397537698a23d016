/**
 * `tcpconform adapter-check`: an adapter exercised against the adapter protocol alone, before any case
 * runs on it — its hello, requests it cannot read, its virtual clock if it claims one, a packet each
 * way, each application call it claims, and a clean exit. Each check ends in one sentence for the
 * adapter's author, naming the line of the adapter's output (or input) it is about. Whether the stack
 * behind it is a conforming TCP is the suite's business, not this.
 */
import { IpProtocol, TcpFlag, WireError, decodePacket, encodePacket, formatFlags, formatSegment, type TcpSegment } from '../../../wire';
import type { AppCallName } from '../../target';
import { excerpt, formatLimit } from '../failure';
import { helloRefusal } from '../hello';
import type { HelloMessage, ResultMessage } from '../messages';
import { DEFAULT_TIMEOUTS } from '../process-target';
import { Conversation, ConversationBroken, type Answer } from './conversation';

export interface CheckOutcome {
  readonly ok: boolean;
  /** What was checked: "hello", "write", "the exit". */
  readonly check: string;
  readonly sentence: string;
}

export interface AdapterCheckReport {
  readonly outcomes: readonly CheckOutcome[];
  /** Checks that never ran because the adapter broke the protocol before them. */
  readonly notChecked: readonly string[];
  readonly ok: boolean;
}

export interface AdapterCheckOptions {
  /** Limits, as the harness applies them in a run (docs/adapter-protocol.md, "Time limits"). */
  readonly helloMs?: number;
  readonly requestMs?: number;
  readonly closeMs?: number;
  /** Told of each outcome as it comes, for a command that prints as it goes. */
  readonly onOutcome?: (outcome: CheckOutcome) => void;
}

/** A check failed, but the conversation is sound: the next check runs. */
class CheckProblem extends Error {}

/** How long a stack may take to answer a packet or a connect, in its own time (virtual or real). */
const ANSWER_MS = 1000;
const LISTEN_PORT = 8080;
const PEER_PORT = 40001;
const CONNECT_PORT = 9000;
const PEER_ISN = 1000;

interface Context {
  readonly conversation: Conversation;
  readonly hello: HelloMessage;
  /** The adapter's virtual time, as its last answer to an advance gave it. */
  now: number;
  listening: boolean;
  /** How long the adapter has to exit once its stdin closes. */
  readonly closeMs: number;
  /** The connection the checks opened to the listener: what the peer sends next, and acknowledges. */
  connection?: { readonly seq: number; readonly ack: number };
}

interface Check {
  readonly name: string;
  run(context: Context): Promise<string>;
}

const where = (answer: Answer): string => `line ${answer.inputLine} of its input, answered on line ${answer.line} of its output`;

/** Sends a request and returns its answer, refusing an answer the protocol does not allow for it. */
async function call(context: Context, body: Record<string, unknown>, label: string): Promise<Answer> {
  const answer = await context.conversation.request(body, label);
  const { result } = answer;
  if (!result.ok && result.error.startsWith('bad request')) {
    throw new CheckProblem(`line ${answer.line} of the adapter's output refuses ${label} (line ${answer.inputLine} of its input) as a bad request (${result.error}), but the harness sends only what the protocol allows`);
  }
  return answer;
}

/** An advance, with its answer held to the protocol's rules for `now`. */
async function advance(context: Context, to: number, untilOutput: boolean): Promise<Answer & { readonly now: number }> {
  const answer = await call(context, { type: 'advance', to, untilOutput }, `an advance to ${to} ms`);
  const { result } = answer;
  if (!result.ok) throw new CheckProblem(`line ${answer.line} of the adapter's output refuses an advance to ${to} ms: ${result.error}`);
  if (result.now === undefined) throw new CheckProblem(`line ${answer.line} of the adapter's output answers an advance without the field "now": ${excerpt(JSON.stringify(result))}`);
  const floor = context.now;
  const highest = Math.max(floor, to);
  if (result.now < floor || result.now > highest || (!untilOutput && result.now !== highest)) {
    const rule = untilOutput ? `between ${floor} and ${highest} ms` : `${highest} ms (the time asked for, or the current time when that is later: time never goes backwards)`;
    throw new CheckProblem(`line ${answer.line} of the adapter's output answers an advance to ${to} ms (line ${answer.inputLine} of its input) with now ${result.now} ms; it must be ${rule}`);
  }
  context.now = result.now;
  return { ...answer, now: result.now };
}

/** Lets the stack answer what it was given: virtual time up to its first output, or real time until `done`. */
async function letItAnswer(context: Context, done: () => boolean): Promise<void> {
  if (context.hello.capabilities.clock === 'virtual') {
    if (!done()) await advance(context, context.now + ANSWER_MS, true);
  } else {
    await context.conversation.waitUntil(done, ANSWER_MS);
  }
}

function peerSegment(context: Context, tcp: Partial<TcpSegment> & Pick<TcpSegment, 'flags' | 'seq'>): Uint8Array {
  const { address, peer } = context.hello;
  return encodePacket({
    ip: { version: 4, src: peer, dst: address, protocol: IpProtocol.TCP, ttl: 64, id: 0, dontFragment: true },
    tcp: { srcPort: PEER_PORT, dstPort: LISTEN_PORT, ack: 0, window: 65535, urgentPointer: 0, options: [], payload: new Uint8Array(), ...tcp },
  });
}

/**
 * The first packet the adapter sent since the last look toward the peer's port `expected.to` (from
 * the stack's port `expected.from`, when given), decoded and held to the addresses of its hello and to
 * its checksums. The packets before it, and those to other ports, are let go.
 */
function takeSegment(context: Context, expected: { readonly from?: number; readonly to: number }, after: string): { tcp: TcpSegment; line: number } {
  const packets = context.conversation.takePackets();
  if (packets.length === 0) throw new CheckProblem(`the adapter sent no packet within ${formatLimit(ANSWER_MS)} of ${after}`);
  const { address, peer } = context.hello;
  const wanted = `${address}:${expected.from ?? 'any port'} to ${peer}:${expected.to}`;
  const decoded = packets.map((packet) => {
    try {
      return { ...decodePacket(packet.value.bytes), line: packet.line };
    } catch (error) {
      if (!(error instanceof WireError)) throw error;
      throw new CheckProblem(`line ${packet.line} of the adapter's output is a packet that is not a whole IPv4 packet: ${error.message}`);
    }
  });
  const found = decoded.find(({ ip, tcp }) => ip.src === address && ip.dst === peer && tcp?.dstPort === expected.to && (expected.from === undefined || tcp.srcPort === expected.from));
  if (found?.tcp === undefined) {
    const [{ ip, tcp, line }] = decoded as [(typeof decoded)[number]];
    const what = tcp === undefined ? `a packet of IP protocol ${ip.protocol}` : `a packet from ${ip.src}:${tcp.srcPort} to ${ip.dst}:${tcp.dstPort}`;
    throw new CheckProblem(`line ${line} of the adapter's output is ${what}, not TCP from ${wanted} (the addresses of its hello) as the answer to ${after}`);
  }
  if (!found.ipChecksumOk || !found.tcpChecksumOk) {
    throw new CheckProblem(`line ${found.line} of the adapter's output is a packet whose ${found.ipChecksumOk ? 'TCP' : 'IPv4'} checksum is wrong: the harness checks every one (RFC 9293 MUST-2), so the adapter must fill them in`);
  }
  return { tcp: found.tcp, line: found.line };
}

const NOT_JSON: Check = {
  name: 'a line that is not JSON',
  async run(context) {
    const answer = await context.conversation.sendUnreadable('this line is not JSON', 'a line that is not JSON', null);
    return badRequest(answer, 'a line that is not JSON', '{"type":"result","id":null,"ok":false,"error":"bad request: …"}');
  },
};

const UNKNOWN_CALL: Check = {
  name: 'a call the protocol does not know',
  async run(context) {
    const id = context.conversation.nextId();
    const answer = await context.conversation.sendUnreadable(JSON.stringify({ type: 'call', id, call: 'teleport' }), 'a call the protocol does not know', id);
    return badRequest(answer, 'a call the protocol does not know', `{"type":"result","id":${id},"ok":false,"error":"bad request: …"}`);
  },
};

function badRequest(answer: Answer, what: string, wanted: string): string {
  const { result } = answer;
  if (result.ok || !result.error.startsWith('bad request')) {
    throw new CheckProblem(`line ${answer.line} of the adapter's output answers ${what} (line ${answer.inputLine} of its input) with ${excerpt(JSON.stringify(result))}; the protocol asks for ${wanted}`);
  }
  return `${what} is refused as a bad request (${where(answer)})`;
}

const VIRTUAL_CLOCK: Check = {
  name: 'the virtual clock',
  async run(context) {
    const first = await advance(context, context.now + 100, false);
    await advance(context, first.now - 50, false);
    const last = await advance(context, context.now + ANSWER_MS, true);
    return `the virtual clock advances to ${first.now} ms, stays there when asked for ${first.now - 50} ms, and answers an advance until output with ${last.now} ms (line ${last.line} of its output)`;
  },
};

const REAL_CLOCK: Check = {
  name: 'the clock',
  run: async () => 'the clock is real: the harness sends no advance',
};

const LISTEN: Check = {
  name: 'listen',
  async run(context) {
    const answer = await call(context, { type: 'call', call: 'listen', port: LISTEN_PORT }, `"listen" on port ${LISTEN_PORT}`);
    context.listening = answer.result.ok;
    return `"listen" on port ${LISTEN_PORT}: ${resultText(answer.result)} (${where(answer)})`;
  },
};

const PACKET_EACH_WAY: Check = {
  name: 'a packet each way',
  async run(context) {
    const { conversation } = context;
    const synLine = conversation.sendPacket(peerSegment(context, { flags: TcpFlag.SYN, seq: PEER_ISN, options: [{ kind: 'mss', mss: 1460 }] }));
    const after = `the SYN to port ${LISTEN_PORT} (line ${synLine} of its input)`;
    await letItAnswer(context, () => conversation.packetCount > 0);
    const { tcp, line } = takeSegment(context, { from: LISTEN_PORT, to: PEER_PORT }, after);
    const answered = `${after} is answered with ${formatSegment(tcp)} (line ${line} of its output)`;
    if (!context.listening || tcp.flags !== (TcpFlag.SYN | TcpFlag.ACK)) return answered;
    // Complete the handshake, so the calls that follow have a connection to act on.
    context.connection = { seq: PEER_ISN + 1, ack: (tcp.seq + 1) >>> 0 };
    const ackLine = conversation.sendPacket(peerSegment(context, { flags: TcpFlag.ACK, ...context.connection }));
    await letItAnswer(context, () => conversation.hasEvent('accepted'));
    const accepted = conversation.takeEvents().find((e) => e.value.event === 'accepted');
    if (accepted === undefined) {
      throw new CheckProblem(`${answered}, but no accepted event came after the handshake's last ACK (line ${ackLine} of its input): the protocol asks for {"type":"event","event":"accepted","remotePort":${PEER_PORT}} as soon as the stack accepts`);
    }
    if (accepted.value.event === 'accepted' && accepted.value.remotePort !== PEER_PORT) {
      throw new CheckProblem(`line ${accepted.line} of the adapter's output is an accepted event with remotePort ${accepted.value.remotePort}, but the peer's port is ${PEER_PORT}`);
    }
    conversation.takePackets();
    return `${answered}; the handshake's last ACK brings the accepted event (line ${accepted.line} of its output)`;
  },
};

function resultText(result: ResultMessage): string {
  if (!result.ok) return `the stack answers ${result.error}`;
  const fields = [result.bytes !== undefined && `${result.bytes} octets`, result.state !== undefined && result.state].filter(Boolean);
  return `ok${fields.length > 0 ? `, ${fields.join(', ')}` : ''}`;
}

/** The calls after the handshake, in an order that leaves each something to act on; connect and abort last. */
const CALLS: ReadonlyArray<{ readonly call: AppCallName; readonly args: Record<string, unknown>; readonly label: string; readonly answers?: 'bytes' | 'state' }> = [
  { call: 'state', args: {}, label: '"state"', answers: 'state' },
  { call: 'set-option', args: { name: 'nodelay', value: 1 }, label: '"set-option" nodelay 1' },
  { call: 'write', args: { bytes: 10 }, label: '"write" of 10 octets', answers: 'bytes' },
  { call: 'read', args: {}, label: '"read"', answers: 'bytes' },
  { call: 'stop-reading', args: {}, label: '"stop-reading"' },
  { call: 'shutdown', args: {}, label: '"shutdown"' },
  { call: 'close', args: {}, label: '"close"' },
  { call: 'connect', args: { port: CONNECT_PORT }, label: `"connect" to port ${CONNECT_PORT}` },
  { call: 'abort', args: {}, label: '"abort"' },
];

function callCheck({ call: name, args, label, answers }: (typeof CALLS)[number]): Check {
  return {
    name: label,
    async run(context) {
      const body = { type: 'call', call: name, ...args, ...(name === 'connect' && { host: context.hello.peer }) };
      // What earlier calls made the stack send is not this call's business.
      context.conversation.takePackets();
      const answer = await call(context, body, label);
      const { result } = answer;
      if (result.ok && answers !== undefined && result[answers] === undefined) {
        throw new CheckProblem(`line ${answer.line} of the adapter's output answers ${label} (line ${answer.inputLine} of its input) without the field "${answers}", which a successful ${name} must carry`);
      }
      const text = `${label}: ${resultText(result)} (${where(answer)})`;
      if (name !== 'connect' || !result.ok) return text;
      await letItAnswer(context, () => context.conversation.packetCount > 0);
      const { tcp, line } = takeSegment(context, { to: CONNECT_PORT }, `a successful "connect" (line ${answer.inputLine} of its input)`);
      if ((tcp.flags & TcpFlag.SYN) === 0) throw new CheckProblem(`line ${line} of the adapter's output is ${formatSegment(tcp)}, but a connect opens with a SYN`);
      return `${text}; its SYN follows (line ${line} of its output: ${formatFlags(tcp.flags)})`;
    },
  };
}

const EXIT: Check = {
  name: 'the exit',
  async run(context) {
    const limit = context.closeMs;
    const { end, inTime } = await context.conversation.close(limit);
    if (!inTime) throw new CheckProblem(`the adapter did not exit within ${formatLimit(limit)} of its stdin closing (the harness then kills it with SIGKILL)`);
    if (end?.code !== 0) throw new CheckProblem(`after its stdin closed, the adapter exited with ${end?.signal ? `signal ${end.signal}` : `code ${end?.code}`}, not 0; its stderr: ${context.conversation.stderr.trim() || '(empty)'}`);
    return `the adapter exits with code 0 once its stdin closes`;
  },
};

/** The checks for an adapter whose hello is `hello`: only what it claims. */
function checksFor(hello: HelloMessage): Check[] {
  const claims = (name: AppCallName) => hello.capabilities.calls.includes(name);
  return [
    NOT_JSON,
    UNKNOWN_CALL,
    hello.capabilities.clock === 'virtual' ? VIRTUAL_CLOCK : REAL_CLOCK,
    ...(claims('listen') ? [LISTEN] : []),
    PACKET_EACH_WAY,
    ...CALLS.filter((c) => claims(c.call)).map(callCheck),
    EXIT,
  ];
}

function helloText(hello: HelloMessage, line: number): string {
  const { stack, address, peer, capabilities } = hello;
  const calls = capabilities.calls.length > 0 ? capabilities.calls.join(', ') : 'none';
  return `the hello: ${stack.name} ${stack.version} at ${address} (the peer at ${peer}), ${capabilities.clock} clock, families ${capabilities.families.join(', ')}; application calls: ${calls} (line ${line} of its output)`;
}

/** Runs every check on the adapter `command` starts (a program and its arguments). */
export async function checkAdapter(command: readonly string[], options: AdapterCheckOptions = {}): Promise<AdapterCheckReport> {
  const outcomes: CheckOutcome[] = [];
  const record = (outcome: CheckOutcome): void => {
    outcomes.push(outcome);
    options.onOutcome?.(outcome);
  };
  const conversation = new Conversation(command, { helloMs: options.helloMs ?? DEFAULT_TIMEOUTS.helloMs, requestMs: options.requestMs ?? DEFAULT_TIMEOUTS.requestMs });
  let hello: HelloMessage;
  try {
    const said = await conversation.hello;
    hello = said.value;
    const refusal = helloRefusal(hello);
    if (refusal !== undefined) throw new CheckProblem(`line ${said.line} of the adapter's output is a hello the harness refuses: it ${refusal}`);
    record({ ok: true, check: 'hello', sentence: helloText(hello, said.line) });
  } catch (error) {
    record({ ok: false, check: 'hello', sentence: (error as Error).message });
    await conversation.kill();
    return { outcomes, notChecked: ['everything after the hello'], ok: false };
  }
  const context: Context = { conversation, hello, now: 0, listening: false, closeMs: options.closeMs ?? DEFAULT_TIMEOUTS.closeMs };
  const checks = checksFor(hello);
  try {
    for (const [index, check] of checks.entries()) {
      try {
        record({ ok: true, check: check.name, sentence: await check.run(context) });
      } catch (error) {
        if (!(error instanceof CheckProblem || error instanceof ConversationBroken)) throw error;
        record({ ok: false, check: check.name, sentence: error.message });
        if (error instanceof ConversationBroken) return { outcomes, notChecked: checks.slice(index + 1).map((c) => c.name), ok: false };
      }
    }
    return { outcomes, notChecked: [], ok: outcomes.every((o) => o.ok) };
  } finally {
    // Never left behind, whatever ended the checks.
    await conversation.kill();
  }
}
