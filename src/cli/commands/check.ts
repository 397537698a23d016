/**
 * `tcpconform check CAPTURE`: a capture of a real conversation, each TCP endpoint in it held against
 * the reference machine (src/check). The report is `run`'s: results.jsonl, HTML with the ladders, JUnit,
 * a pcap per endpoint judged.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { checkCapture, type CheckOutcome, type Side } from '../../check/check-capture';
import { judgmentResult } from '../../check/results';
import type { CaseResult } from '../../runner/result';
import { parseDuration } from '../../suite/duration';
import { ExitCode } from '../exit-codes';
import { gate } from '../gate';
import { namedProfile, rfcProfile } from '../load-profiles';
import { writeReportFromResults } from '../outputs';
import { summaryLine } from '../progress';
import { complain, messageOf, say } from '../options';

interface CheckOptions {
  side: Side;
  endpoint?: { address: string; port?: number };
  profile?: string;
  capturedFor?: number;
  broadcast?: string;
  out: string;
  json: boolean;
}

function side(value: string): Side {
  if (value !== 'client' && value !== 'server' && value !== 'both') throw new InvalidArgumentError('must be client, server or both');
  return value;
}

/** `198.18.0.1`, `198.18.0.1:8080`, `[2001:2::1]:8080` or `2001:2::1`. */
function endpoint(value: string): { address: string; port?: number } {
  const bracketed = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(value);
  const v4 = /^(\d+\.\d+\.\d+\.\d+)(?::(\d+))?$/.exec(value);
  const match = bracketed ?? v4;
  if (match) return { address: match[1]!.toLowerCase(), ...(match[2] !== undefined && { port: Number(match[2]) }) };
  if (/^[0-9a-fA-F:]+$/.test(value) && value.includes(':')) return { address: value.toLowerCase() };
  throw new InvalidArgumentError('must be an address, with a port if you like: 198.18.0.1, 198.18.0.1:8080, [2001:2::1]:8080');
}

function ipv4(value: string): string {
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(value)) throw new InvalidArgumentError('must be an IPv4 address, e.g. 10.0.0.255');
  return value;
}

function duration(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) throw new InvalidArgumentError('must be a duration with its unit, e.g. 30s or 500ms');
  return ms;
}

/** What the capture held beyond the judgments: skipped records, the damage where reading stopped. */
function captureLines(file: string, outcome: CheckOutcome): string[] {
  const lines = [`${file}: ${outcome.format ?? 'unknown format'}, ${outcome.records} record(s), ${outcome.sorted.segments} TCP segment(s) in ${outcome.sorted.conversations.length} conversation(s)`];
  for (const [reason, { count, first }] of outcome.sorted.passedOver) lines.push(`  passed over ${count} record(s) (the first is packet ${first}): ${reason}`);
  return lines;
}

function checkCommand(file: string, options: CheckOptions): void {
  let bytes: Uint8Array;
  let profile;
  try {
    profile = options.profile === undefined ? rfcProfile() : namedProfile(options.profile);
    bytes = readFileSync(file);
  } catch (error) {
    complain(`tcpconform: ${messageOf(error)}`);
    process.exitCode = ExitCode.usage;
    return;
  }
  const outcome = checkCapture(bytes, {
    profile: profile.profile,
    side: options.side,
    ...(options.endpoint && { endpoint: options.endpoint }),
    ...(options.capturedFor !== undefined && { capturedForMs: options.capturedFor }),
    ...(options.broadcast !== undefined && { broadcast: options.broadcast }),
  });
  const context = { file, target: basename(file).replace(/[^A-Za-z0-9._-]+/g, '-'), startedAt: outcome.sorted.startedAt };
  const results: CaseResult[] = [];
  outcome.conversations.forEach(({ conversation, judgments }, index) => {
    for (const judgment of judgments) results.push(judgmentResult(index, conversation, judgment, context));
  });
  const tell = options.json ? complain : say;
  for (const line of captureLines(file, outcome)) tell(line);
  if (outcome.problem) complain(`tcpconform: ${file}: byte ${outcome.problem.offset}: ${outcome.problem.message}; what came before it is judged`);
  for (const r of results) {
    if (options.json) say(JSON.stringify(r));
    tell(`${r.verdict.toUpperCase().padEnd(6)} ${r.title}${r.reason ? `\n       ${r.reason}` : ''}`);
  }
  if (results.length === 0) tell('no endpoint to judge: no TCP conversation in the capture matches --side and --endpoint');
  const index = writeReportFromResults(options.out, results);
  const verdict = gate({ results, failOn: ['MUST', 'SHOULD', 'MAY'], suiteProblems: outcome.problem ? 1 : 0 });
  tell(`${summaryLine(results)}\nreport: ${index}`);
  process.exitCode = verdict.exitCode;
}

export function addCheckCommand(program: Command): void {
  program
    .command('check')
    .description('Hold each TCP endpoint in a capture (pcap or pcapng) against the reference machine: a verdict per endpoint, the first divergence with its rule, and the report run writes.')
    .argument('<capture>', 'a pcap or pcapng file: Ethernet, Linux cooked (tcpdump -i any), raw IP or loopback; IPv4 and IPv6')
    .option('--side <side>', 'which endpoint of each conversation to judge: client (sent the first SYN), server, or both', side, 'both')
    .option('--endpoint <address[:port]>', 'judge only the endpoint at this address (and port): the device you are testing', endpoint)
    .option('--profile <name|file>', "the endpoint's parameters (ACK delay, MSL, RFC 5961, …): one of tcpconform's profiles by name, or a file of yours (default RFC 9293's)")
    .option('--captured-for <duration>', 'how long the capture ran from its first packet, when it ran on after its last: silence until then is evidence (e.g. 30s)', duration)
    .option('--broadcast <address>', "the directed broadcast address of the capture's IPv4 network (e.g. 10.0.0.255): segments to or from it reach no one endpoint, and a SYN from it must be ignored", ipv4)
    .option('-o, --out <dir>', 'report folder (results.jsonl, index.html, junit.xml, cases/, pcap/)', 'reports/check')
    .option('--json', 'print each result as a JSON line on stdout (the rest goes to stderr)', false)
    .addHelpText('after', `
What a capture cannot show is inferred leniently: listen and connect from the SYNs, writes from the
data sent, a close from a FIN, an abort from a RST nothing else calls for, reads from window updates.
A segment the capture evidently lost or holds out of order is no verdict: the endpoint is judged up to
it and shows as skipped, with the packet and the reason; so is one whose deadline the capture ends before.

Examples:
  tcpconform check field.pcap                                  every endpoint, RFC 9293's own parameters
  tcpconform check device.pcapng --endpoint 10.0.0.5 --profile ./my-stack.yaml
                                                               only the device, with its own profile
  tcpconform check any.pcap --side server --out reports/server  tcpdump -i any: the servers only
  tcpconform check reports/lwip/pcap/lwip/window.nagle-turned-off.pcap --endpoint 198.18.0.1 --profile lwip
                                                               a capture of tcpconform's own run, after the fact

Exit codes: 0 every endpoint judged conforms (or could not be judged), 1 a divergence,
2 usage error, or the capture is cut short or corrupt (what came before the damage is judged and reported;
a divergence in it still exits 1).`)
    .action(checkCommand);
}
