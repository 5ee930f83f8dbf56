// Owns decoding a manifest's bytes as UTF-8, and finding the first byte that is not, so that a
// Latin-1 name is refused at its line and column instead of becoming `ap��i.zip`.
// Leaves reading the file to load.ts.

export type DecodeResult =
  | { ok: true; text: string }
  /** `text` is the lossy decoding (U+FFFD for bad bytes), for showing the line. */
  | { ok: false; byte: number; line: number; column: number; text: string };

/** The text of `bytes` (a leading byte-order mark dropped), or where the first invalid byte is. */
export function decodeUtf8(bytes: Uint8Array): DecodeResult {
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    const offset = firstInvalidByte(bytes);
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, offset));
    const lineStart = before.lastIndexOf('\n') + 1;
    return {
      ok: false,
      byte: bytes[offset] ?? 0,
      line: before.split('\n').length,
      column: before.length - lineStart + 1,
      text: new TextDecoder('utf-8').decode(bytes),
    };
  }
}

/** The offset of the first byte that does not belong to a well-formed UTF-8 sequence (RFC 3629). */
export function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const length = sequenceLength(bytes, i);
    if (length === 0) return i;
    i += length;
  }
  return bytes.length;
}

/** The length of the well-formed sequence at `i`, or 0. */
function sequenceLength(b: Uint8Array, i: number): number {
  const lead = b[i]!;
  if (lead < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => {
    const c = b[i + k];
    return c !== undefined && c >= lo && c <= hi;
  };
  // The second byte's range excludes overlong forms, surrogates and code points past U+10FFFF.
  if (lead >= 0xc2 && lead <= 0xdf) return cont(1) ? 2 : 0;
  if (lead >= 0xe0 && lead <= 0xef) {
    const lo = lead === 0xe0 ? 0xa0 : 0x80;
    const hi = lead === 0xed ? 0x9f : 0xbf;
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (lead >= 0xf0 && lead <= 0xf4) {
    const lo = lead === 0xf0 ? 0x90 : 0x80;
    const hi = lead === 0xf4 ? 0x8f : 0xbf;
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}
