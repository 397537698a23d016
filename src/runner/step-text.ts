/** Each step as one line, as a person would say it: `send S <mss 1460>`, `expect SA ack 1`. */
import type { AppStepCall, IpTemplate, OptionTemplate, ResultExpectation, SegmentTemplate, Step } from '../suite/case';
import { whenText } from '../suite/when';
import { matchText, rangeText, sackText } from './summary';

function optionTemplateText(o: OptionTemplate): string {
  switch (o.kind) {
    case 'nop': return 'nop';
    case 'eol': return 'eol';
    case 'mss': return `mss ${o.mss}`;
    case 'wscale': return `wscale ${o.shift}`;
    case 'sack-permitted': return 'sackOK';
    case 'timestamps': return `ts ${o.tsval} ${o.tsecr}`;
    case 'sack': return `sack ${sackText(o.blocks)}`;
    case 'raw': return `raw ${Buffer.from(o.bytes).toString('hex')}`;
  }
}

export function appCallText(call: AppStepCall): string {
  if (call.call === 'connect' && call.to !== undefined) return `connect to ${call.to}`;
  if (call.call === 'set-option') return `set-option ${call.options.map((o) => `${o.name} ${o.text}`).join(', ')}`;
  return 'bytes' in call && call.bytes !== undefined ? `${call.call} ${call.bytes}` : call.call;
}

/** `100 octets, eof`: what a call's result must be. */
export function resultText(result: ResultExpectation): string {
  return [
    ...(result.bytes ? [`${rangeText(result.bytes)} octets`] : []),
    ...(result.eof !== undefined ? [result.eof ? 'end of file' : 'not at end of file'] : []),
    ...(result.atMark !== undefined ? [result.atMark ? 'at the urgent mark' : 'not at the urgent mark'] : []),
  ].join(', ');
}

/** `ce`, `src broadcast`, `lsrr 198.18.0.3`: the IP header a send step writes, beyond the plain one. */
function ipTemplateText(ip: IpTemplate): string {
  const parts: string[] = [];
  if (ip.src !== undefined) parts.push(`src ${ip.src}`);
  if (ip.dst !== undefined) parts.push(`dst ${ip.dst}`);
  if (ip.ecn !== undefined) parts.push(ip.ecn);
  for (const option of ip.options ?? []) {
    if (option.kind === 'lsrr' || option.kind === 'ssrr') parts.push(`${option.kind} ${option.route.join(' ')}`);
    else parts.push(option.kind === 'unknown' ? `option ${option.type}` : option.kind);
  }
  return parts.join(', ');
}

/** `S win 65535 <mss 1460>`: a segment as a send step writes it. */
function templateText(s: SegmentTemplate): string {
  const parts = [s.flags];
  if (s.seq !== undefined) parts.push(typeof s.seq === 'number' ? `seq ${s.seq}` : `seq edge${s.seq.edge < 0 ? '' : '+'}${s.seq.edge}`);
  if (s.ack !== undefined) parts.push(`ack ${s.ack}`);
  parts.push(`win ${s.window}`);
  if (s.payload === 'mss') parts.push('len mss');
  else if (s.payload.length > 0) parts.push(`len ${s.payload.length}`);
  if (s.options.length > 0) parts.push(`<${s.options.map(optionTemplateText).join(',')}>`);
  if (s.checksum === 'bad') parts.push('[bad checksum]');
  if (s.ip !== undefined) parts.push(`[ip ${ipTemplateText(s.ip)}]`);
  return parts.join(' ');
}

export function stepText(step: Step): string {
  switch (step.kind) {
    case 'send':
      return `send ${step.segments.map(templateText).join(' + ')}`;
    case 'fill': return `send ${templateText({ ...step.segment, payload: new Uint8Array(0), checksum: 'good' })} filling the window until it is zero`;
    case 'expect': return `expect ${matchText(step.match)}${step.after ? ` after ${step.after.text}` : ''} within ${step.within.text}`;
    case 'quiet': return `quiet ${step.duration.text}${step.allowRetransmissions ? ' (retransmissions allowed)' : ''}`;
    case 'wait': return `wait ${step.duration.text}`;
    case 'app': return `app ${appCallText(step.call)}${step.error ? ` (fails with ${step.error})` : ''}${step.result ? ` (answers ${resultText(step.result)})` : ''}`;
    case 'event': return `event ${step.event}${step.after ? ` after ${step.after.text}` : ''} within ${step.within.text}`;
    case 'state': return `state ${step.state}`;
    case 'isn': {
      const active = step.plan.active.length > 0 ? ` and ${step.plan.active.length} active` : '';
      return `isn ${step.plan.rounds} rounds ${step.plan.apart.text} apart of ${step.plan.passive.length} passive${active} opens`;
    }
    case 'icmp': return `icmp ${step.icmp.message}${step.icmp.nextHopMtu !== undefined ? ` mtu ${step.icmp.nextHopMtu}` : ''}${step.icmp.pointer !== undefined ? ` pointer ${step.icmp.pointer}` : ''}${step.icmp.seq !== undefined ? ` quoting seq ${step.icmp.seq}` : ''}${step.icmp.peerPort !== undefined ? ` about port ${step.icmp.peerPort}` : ''}`;
    case 'either': return `either ${step.branches.map((b) => `${b.when ? `[${whenText(b.when)}] ` : ''}${b.steps[0] ? stepText(b.steps[0]) : ''}`).join(' | ')}`;
  }
}
