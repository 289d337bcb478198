import { DeltaError } from '../errors';

// Z85 (ZeroMQ RFC 32) is the Base85 variant the Delta protocol picked for descriptors because its
// alphabet needs no escaping in JSON ("Deletion Vector Descriptor Schema").
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';

const DIGIT_OF = ((): Int16Array => {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) table[ALPHABET.charCodeAt(i)] = i;
  return table;
})();

/**
 * Encodes bytes as Z85. Z85 works on 4-byte groups; a shorter tail is padded with zero bytes, as
 * Delta does for inline bitmaps whose size is not a multiple of 4 (the descriptor's `sizeInBytes`
 * tells the reader where the real data ends).
 */
export function z85Encode(bytes: Uint8Array): string {
  const padded = bytes.length % 4 === 0 ? bytes : new Uint8Array(bytes.length + 4 - (bytes.length % 4));
  if (padded !== bytes) padded.set(bytes);
  let out = '';
  for (let i = 0; i < padded.length; i += 4) {
    let value = ((padded[i]! << 24) | (padded[i + 1]! << 16) | (padded[i + 2]! << 8) | padded[i + 3]!) >>> 0;
    const group = new Array<string>(5);
    for (let d = 4; d >= 0; d--) {
      group[d] = ALPHABET[value % 85]!;
      value = Math.floor(value / 85);
    }
    out += group.join('');
  }
  return out;
}

/** Decodes Z85 text (length a multiple of 5) into 4 bytes per 5 characters. */
export function z85Decode(text: string): Uint8Array {
  if (text.length % 5 !== 0) {
    throw new DeltaError(
      'DELTA_INVALID_DELETION_VECTOR',
      `Invalid Z85 text of length ${text.length}: the length must be a multiple of 5.`,
    );
  }
  const out = new Uint8Array((text.length / 5) * 4);
  for (let i = 0, o = 0; i < text.length; i += 5, o += 4) {
    let value = 0;
    for (let d = 0; d < 5; d++) {
      const code = text.charCodeAt(i + d);
      const digit = code < 128 ? DIGIT_OF[code]! : -1;
      if (digit < 0) {
        throw new DeltaError(
          'DELTA_INVALID_DELETION_VECTOR',
          `Invalid Z85 character ${JSON.stringify(text[i + d])} at position ${i + d}.`,
        );
      }
      value = value * 85 + digit;
    }
    if (value > 0xffffffff) {
      throw new DeltaError('DELTA_INVALID_DELETION_VECTOR', `Invalid Z85 group at position ${i}: value exceeds 32 bits.`);
    }
    out[o] = value >>> 24;
    out[o + 1] = (value >>> 16) & 0xff;
    out[o + 2] = (value >>> 8) & 0xff;
    out[o + 3] = value & 0xff;
  }
  return out;
}
