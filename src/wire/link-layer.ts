/**
 * The link-layer headers a capture may put before each IP packet, peeled off: Ethernet (with 802.1Q and
 * 802.1ad tags), Linux cooked capture (SLL and SLL2, what `tcpdump -i any` writes), BSD loopback
 * (NULL and LOOP) and raw IP. Numbers are the LINKTYPE_ values pcap and pcapng files carry.
 */

export const LinkType = {
  NULL: 0,
  ETHERNET: 1,
  /** DLT_RAW as most systems number it in files that predate LINKTYPE_RAW. */
  RAW_DLT12: 12,
  /** DLT_RAW as OpenBSD numbers it. */
  RAW_DLT14: 14,
  RAW: 101,
  LOOP: 108,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100;
const ETHERTYPE_QINQ = 0x88a8;
/** BSD address families of IPv4 and, as the different BSDs number it, IPv6. */
const AF_INET = 2;
const AF_INET6 = [10, 24, 28, 30];

/** What a frame holds once its link-layer header is off: an IP packet, or why there is none. */
export type Unwrapped = { readonly packet: Uint8Array } | { readonly skipped: string };

const ipOrSkipped = (frame: Uint8Array, at: number, ethertype: number): Unwrapped =>
  ethertype === ETHERTYPE_IPV4 || ethertype === ETHERTYPE_IPV6
    ? { packet: frame.subarray(at) }
    : { skipped: `ethertype 0x${ethertype.toString(16).padStart(4, '0')}, not IP` };

const short = (what: string, length: number): Unwrapped => ({ skipped: `${length} bytes, shorter than a ${what} header` });

function ethernet(frame: Uint8Array): Unwrapped {
  let at = 12;
  for (;;) {
    if (frame.length < at + 2) return short('Ethernet', frame.length);
    const ethertype = (frame[at]! << 8) | frame[at + 1]!;
    // A VLAN tag: two more octets of tag control, then the ethertype it wraps.
    if (ethertype === ETHERTYPE_VLAN || ethertype === ETHERTYPE_QINQ) {
      at += 4;
      continue;
    }
    return ipOrSkipped(frame, at + 2, ethertype);
  }
}

function bsdLoopback(frame: Uint8Array, bigEndian: boolean): Unwrapped {
  if (frame.length < 4) return short('loopback', frame.length);
  const view = new DataView(frame.buffer, frame.byteOffset, 4);
  // NULL carries the family in the capturing host's byte order, which the file does not say: take the
  // reading that is a family.
  const family = bigEndian ? view.getUint32(0, false) : Math.min(view.getUint32(0, true), view.getUint32(0, false));
  if (family === AF_INET || AF_INET6.includes(family)) return { packet: frame.subarray(4) };
  return { skipped: `address family ${family}, not IP` };
}

/** The IP packet inside `frame`, captured with link type `linkType`; undefined for a link type this does not read. */
export function unwrapFrame(linkType: number, frame: Uint8Array): Unwrapped | undefined {
  switch (linkType) {
    case LinkType.ETHERNET:
      return ethernet(frame);
    case LinkType.LINUX_SLL:
      // packet type, ARPHRD type, address length, 8 octets of address, then the protocol.
      return frame.length < 16 ? short('Linux cooked (SLL)', frame.length) : ipOrSkipped(frame, 16, (frame[14]! << 8) | frame[15]!);
    case LinkType.LINUX_SLL2:
      // The protocol first, then reserved, interface index, ARPHRD type, packet type, address length and address.
      return frame.length < 20 ? short('Linux cooked (SLL2)', frame.length) : ipOrSkipped(frame, 20, (frame[0]! << 8) | frame[1]!);
    case LinkType.RAW:
    case LinkType.RAW_DLT12:
    case LinkType.RAW_DLT14:
    case LinkType.IPV4:
    case LinkType.IPV6:
      return { packet: frame };
    case LinkType.NULL:
      return bsdLoopback(frame, false);
    case LinkType.LOOP:
      return bsdLoopback(frame, true);
    default:
      return undefined;
  }
}

/** The link types unwrapFrame reads, as a person names them. */
export const READABLE_LINK_TYPES = 'Ethernet (1), Linux cooked SLL (113) and SLL2 (276), raw IP (101, 12, 14, 228, 229), BSD loopback (0, 108)';
