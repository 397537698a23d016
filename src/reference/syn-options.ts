/**
 * The options two SYNs negotiate beside MSS: window scaling and timestamps (RFC 7323 §2, §3) and
 * SACK-permitted (RFC 2018 §2). Each goes in this endpoint's SYN when its profile offers it, in a
 * SYN-ACK only when the peer's SYN carried it, and is in use only when both SYNs carried it.
 */
import type { TcpOption, TcpSegment } from '../wire';
import { seqAdd, seqSub } from '../wire/seq';
import { TcpFlag } from '../wire/flags';
import { fire, type Machine } from './machine';
import { MAX_SHIFT, type Profile } from './profile';
import type { Tcb } from './tcb';

/** What one side's SYN offered: its window shift (undefined: no Window Scale option), TSopt, SACK-permitted. */
export interface SynOffer {
  readonly shift: number | undefined;
  readonly timestamps: boolean;
  readonly sackPermitted: boolean;
}

/** What the connection's two SYNs agreed on. */
export interface Negotiated {
  /** What this endpoint's SYN offers (its profile's, or a target's as observed: adopt-observed.ts). */
  own: SynOffer;
  /** What the peer's SYN offered; undefined until it arrives. */
  peer: SynOffer | undefined;
  /** Snd.Wind.Shift (RFC 7323 §2.2): the peer's window fields are shifted left by it. */
  sndWindShift: number;
  /** Rcv.Wind.Shift (RFC 7323 §2.2): this endpoint's window fields carry RCV.WND shifted right by it. */
  rcvWindShift: number;
  /** Both SYNs carried TSopt (RFC 7323 §3.2). */
  timestamps: boolean;
  /** Both SYNs carried SACK-permitted (RFC 2018 §2). */
  sack: boolean;
}

/** What a profile's SYN offers. */
export function profileOffer(profile: Profile): SynOffer {
  return { shift: profile.windowScaling ? profile.windowShift : undefined, timestamps: profile.timestamps, sackPermitted: profile.sackPermitted };
}

/** What `syn` carries; a shift above 14 as it came (RFC 7323 §2.3 limits it where it is used). */
export function offerOf(syn: TcpSegment): SynOffer {
  const wscale = syn.options.find((o) => o.kind === 'wscale');
  return {
    shift: wscale?.kind === 'wscale' ? wscale.shift : undefined,
    timestamps: syn.options.some((o) => o.kind === 'timestamps'),
    sackPermitted: syn.options.some((o) => o.kind === 'sack-permitted'),
  };
}

export function newNegotiated(profile: Profile): Negotiated {
  return { own: profileOffer(profile), peer: undefined, sndWindShift: 0, rcvWindShift: 0, timestamps: false, sack: false };
}

/**
 * The peer's SYN (or SYN-ACK) arrives (RFC 9293 §3.10.7.2 third, §3.10.7.3 fourth): what it offers is
 * set against this endpoint's own offer, one rule per option.
 */
export function negotiate(m: Machine, syn: TcpSegment): void {
  const { tcb } = m;
  tcb.options.peer = offerOf(syn);
  settle(m, tcb);
  const tsopt = syn.options.find((o) => o.kind === 'timestamps');
  // RFC 7323 §4.3 (3): TS.Recent starts from the SYN's TSval.
  if (tcb.options.timestamps && tsopt?.kind === 'timestamps') tcb.ts.recent = tsopt.tsval;
}

/** What two offers agree on: an option is in use only when both SYNs carried it. */
function agreement(own: SynOffer, peer: SynOffer): Omit<Negotiated, 'own' | 'peer'> {
  const scaling = own.shift !== undefined && peer.shift !== undefined;
  return {
    // RFC 7323 §2.3: a shift above 14 "MUST use 14 instead of the specified value".
    sndWindShift: scaling ? Math.min(peer.shift as number, MAX_SHIFT) : 0,
    rcvWindShift: scaling ? (own.shift as number) : 0,
    timestamps: own.timestamps && peer.timestamps,
    sack: own.sackPermitted && peer.sackPermitted,
  };
}

/** Sets what is in use from both offers, firing each option's rule. */
function settle(m: Machine, tcb: Tcb): void {
  const { own, peer } = tcb.options;
  if (peer === undefined) return;
  const agreed = agreement(own, peer);
  // RFC 7323 §2.2: window scaling is on only when both SYNs carried the option; then each side's window
  // fields are scaled by the shift the other announced.
  if (own.shift !== undefined && peer.shift !== undefined) {
    fire(m, 'rfc7323/2.2/window-scale-on');
    if (peer.shift > MAX_SHIFT) fire(m, 'rfc7323/2.3/shift-limited');
  } else {
    fire(m, 'rfc7323/2.2/window-scale-off');
  }
  // RFC 7323 §3.2: TSopt goes on every segment only when both SYNs carried it.
  fire(m, agreed.timestamps ? 'rfc7323/3.2/timestamps-on' : 'rfc7323/3.2/timestamps-off');
  // RFC 2018 §2: SACK is used only when both SYNs carried SACK-permitted.
  fire(m, agreed.sack ? 'rfc2018/2/sack-on' : 'rfc2018/2/sack-off');
  Object.assign(tcb.options, agreed);
}

/**
 * A target's own SYN or SYN-ACK, as observed: it stands for what this endpoint offers, and what the
 * connection uses follows from it once the peer's SYN is known too. Not an RFC event (adopt-observed.ts).
 */
export function adoptOffer(tcb: Tcb, own: SynOffer): void {
  tcb.options.own = own;
  if (tcb.options.peer !== undefined) Object.assign(tcb.options, agreement(own, tcb.options.peer));
}

/**
 * The options of this endpoint's SYN or SYN-ACK: MSS always (RFC 9293 §3.7.1); the others as offered in
 * a SYN, and in a SYN-ACK only those the peer's SYN carried (RFC 7323 §2.2, §3.2; RFC 2018 §2).
 */
export function synOptions(m: Machine, ack: boolean, tsval: number): TcpOption[] {
  const { own, peer } = m.tcb.options;
  const answered = (offered: boolean, peerOffered: boolean | undefined): boolean => offered && (!ack || peerOffered === true);
  const options: TcpOption[] = [{ kind: 'mss', mss: m.tcb.rcvMss }];
  if (own.shift !== undefined && answered(true, peer && peer.shift !== undefined)) options.push({ kind: 'wscale', shift: own.shift });
  if (answered(own.sackPermitted, peer?.sackPermitted)) options.push({ kind: 'sack-permitted' });
  // RFC 7323 §3.2: TSecr is zero when the ACK bit is not set; a SYN-ACK echoes the SYN's TSval.
  if (answered(own.timestamps, peer?.timestamps)) options.push({ kind: 'timestamps', tsval, tsecr: ack ? m.tcb.ts.recent ?? 0 : 0 });
  return options;
}

/** The window field of a segment: a SYN's never scaled (RFC 7323 §2.2), the others shifted by Snd.Wind.Shift. */
export function peerWindow(tcb: Tcb, seg: TcpSegment): number {
  return seg.flags & TcpFlag.SYN ? seg.window : seg.window * 2 ** tcb.options.sndWindShift;
}

/**
 * What this endpoint's window field carries for RCV.WND: a SYN's unscaled, the others shifted right by
 * Rcv.Wind.Shift (RFC 7323 §2.3). The shift drops the low bits, and dropping them may pull the right
 * edge left of one offered before (RFC 7323 §2.4); it must not move left (RFC 9293 §3.8.6, SHLD-14), so
 * the field is rounded up to that edge where it would be, and RCV.WND widened to what the field offers.
 */
export function offerWindow(tcb: Tcb, syn: boolean): number {
  if (syn) return Math.min(tcb.rcvWnd, 0xffff);
  const unit = 2 ** tcb.options.rcvWindShift;
  const offered = tcb.rcvOffered === undefined ? 0 : Math.max(0, seqSub(tcb.rcvOffered, tcb.rcvNxt));
  const field = Math.min(Math.max(Math.floor(tcb.rcvWnd / unit), Math.ceil(offered / unit)), 0xffff);
  tcb.rcvWnd = Math.max(tcb.rcvWnd, field * unit);
  tcb.rcvOffered = seqAdd(tcb.rcvNxt, field * unit);
  return field;
}
