import { checkUnsigned } from './check-unsigned';
import { WireError } from './errors';

/**
 * Where one field of a fixed-layout header lives: the big-endian word of `width` bytes at byte `at`
 * (network byte order, RFC 791 Appendix B), narrowed to `bits` bits that start `shift` bits above the
 * word's least significant bit. Whole-word fields leave `shift` and `bits` out.
 */
export interface Field {
  readonly at: number;
  readonly width: 1 | 2 | 4;
  readonly shift?: number;
  readonly bits?: number;
}

/**
 * A header's field-offset table. Keeping every offset in one table, written to mirror the RFC's header
 * figure, means encoder and decoder cannot disagree about the layout.
 */
export interface HeaderLayout<Name extends string = string> {
  /** How messages name the header, e.g. `TCP`. */
  readonly name: string;
  /** Length in bytes of the fixed part, which holds every field of the table. */
  readonly size: number;
  readonly fields: { readonly [N in Name]: Field };
}

/**
 * A byte view of one header, read and written by field name. It is only ever built over enough bytes
 * for the whole fixed part, so no field access can run past the end (and raise a RangeError instead of
 * a WireError).
 */
export class HeaderView<Name extends string> {
  // The bytes are read and written directly, not through a DataView: one per header read is most of
  // what decoding a capture costs (bench/check).
  private constructor(
    private readonly layout: HeaderLayout<Name>,
    private readonly bytes: Uint8Array,
    /** where `bytes` starts in the packet, so that error offsets point into the packet */
    private readonly origin: number,
  ) {}

  /** A view of the header at the start of `bytes`; throws `truncated` when its fixed part is cut short. */
  static over<Name extends string>(layout: HeaderLayout<Name>, bytes: Uint8Array, origin: number): HeaderView<Name> {
    if (bytes.length < layout.size) {
      throw new WireError(
        'truncated',
        origin,
        `${layout.name} header truncated: needs at least ${layout.size} bytes, only ${bytes.length} present`,
      );
    }
    return new HeaderView(layout, bytes, origin);
  }

  get(name: Name): number {
    return this.read(this.layout.fields[name]);
  }

  /**
   * The value of `field`, one of this layout's: what `get` reads, for the decoders every captured packet
   * passes through, which hold their fields in constants (a lookup by name across several layouts is
   * most of what `get` costs).
   */
  read(field: Field): number {
    const word = this.readWord(field);
    // A narrowed field is never the whole 32-bit word, so unsigned shifts and a mask stay exact.
    return field.bits === undefined ? word : ((word >>> (field.shift ?? 0)) & (0xffffffff >>> (32 - field.bits))) >>> 0;
  }

  /** Writes `value` into the field, leaving the other bits of its word alone; rejects values that do not fit. */
  set(name: Name, value: number): void {
    const field = this.layout.fields[name];
    checkUnsigned(value, field.bits ?? field.width * 8, () => `${this.layout.name} ${name}`, this.origin + field.at);
    // Arithmetic rather than bitwise operators, which would turn 32-bit words into signed numbers.
    const scale = 2 ** (field.shift ?? 0);
    const word = field.bits === undefined ? value : this.readWord(field) + (value - this.get(name)) * scale;
    this.writeWord(field, word);
  }

  /** The big-endian word of the field (network byte order), unsigned. */
  private readWord({ at, width }: Field): number {
    const b = this.bytes;
    switch (width) {
      case 1:
        return b[at] as number;
      case 2:
        return ((b[at] as number) << 8) | (b[at + 1] as number);
      case 4:
        return (((b[at] as number) << 24) | ((b[at + 1] as number) << 16) | ((b[at + 2] as number) << 8) | (b[at + 3] as number)) >>> 0;
    }
  }

  private writeWord({ at, width }: Field, word: number): void {
    const b = this.bytes;
    for (let i = 0; i < width; i++) b[at + i] = (word >>> (8 * (width - 1 - i))) & 0xff;
  }
}
