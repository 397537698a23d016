/**
 * The words for what a timer or profile mutant does, where the machine's own names do not say it. A
 * timer or flag missing here still gets its mutants, described by its name.
 */
import type { Profile, TimerName } from '../reference';

export const TIMER_WORDS: Partial<Record<TimerName, string>> = {
  retransmission: 'retransmission timer (RTO, RFC 6298)',
  probe: 'zero-window probe timer (also the SWS override timer)',
  user: 'user timeout (R2)',
  timeWait: 'TIME-WAIT timer (2×MSL)',
};

/** What each flag's inversion does: [what happens when the flag, on in the profile, is off; and the reverse]. */
const FLAG_WORDS: Partial<Record<keyof Profile, readonly [turnedOff: string, turnedOn: string]>> = {
  rfc5961Rst: [
    'a RST in the window but not exactly at RCV.NXT resets the connection instead of drawing a challenge ACK (RFC 5961 §3 off)',
    'a RST in the window but not exactly at RCV.NXT draws a challenge ACK instead of resetting (RFC 5961 §3 on)',
  ],
  rfc5961Syn: [
    'a SYN in a synchronized state resets the connection instead of drawing a challenge ACK (RFC 5961 §4 off)',
    'a SYN in a synchronized state draws a challenge ACK instead of resetting (RFC 5961 §4 on)',
  ],
  rfc5961Ack: [
    'an ACK outside SND.UNA-MAX.SND.WND..SND.NXT is processed instead of being dropped with an ACK (RFC 5961 §5 off)',
    'an ACK outside SND.UNA-MAX.SND.WND..SND.NXT is dropped with an ACK (RFC 5961 §5 on)',
  ],
  rfc1337: [
    'a RST in TIME-WAIT closes it, where RFC 1337 has it ignored',
    'a RST in TIME-WAIT is ignored (RFC 1337), where RFC 9293 closes',
  ],
  windowScaling: [
    'a SYN with a Window Scale option is answered without one, and no window is scaled (RFC 7323 §2 off)',
    'a SYN with a Window Scale option is answered with one, and windows are scaled (RFC 7323 §2 on)',
  ],
  timestamps: [
    'a SYN with timestamps is answered without them, and no segment carries TSopt (RFC 7323 §3 off)',
    'a SYN with timestamps is answered with them, and every segment carries TSopt (RFC 7323 §3 on)',
  ],
  sackPermitted: [
    'a SYN with SACK-permitted is answered without it, and no ACK carries SACK blocks (RFC 2018 off)',
    'a SYN with SACK-permitted is answered with it, and ACKs carry SACK blocks (RFC 2018 on)',
  ],
  reopenFromTimeWait: [
    'a new SYN in TIME-WAIT does not reopen the connection (MAY-2 not taken)',
    'a new SYN in TIME-WAIT reopens the connection (MAY-2 taken)',
  ],
};

/** What inverting `flag`, which the profile sets to `current`, does. */
export function flagWords(flag: keyof Profile, current: boolean): string {
  const words = FLAG_WORDS[flag];
  if (words) return words[current ? 0 : 1];
  return `the profile's ${flag} is ${String(!current)} where the profile sets ${String(current)}`;
}
