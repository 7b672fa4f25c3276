import { ScoringRequestError } from "../errors.js";

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * The request body as text. It must be UTF-8 (what MLflow's server reads); a leading byte order
 * mark is dropped.
 * @throws ScoringRequestError `KILN_SERVE_BAD_ENCODING` naming the first bad byte's offset.
 */
export function decodeBody(body: Uint8Array): string {
  try {
    return utf8.decode(body);
  } catch {
    throw new ScoringRequestError(
      "KILN_SERVE_BAD_ENCODING",
      `The request body is not valid UTF-8 (first bad byte at offset ${firstBadByte(body)}).`,
      { hint: "Encode the body as UTF-8; the scoring server reads no other charset." },
    );
  }
}

/** The offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstBadByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const length =
      b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (length === 0) return i;
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    if (length > 1) {
      // The same rejections the decoder makes: no byte strings the "valid" path would decode.
      try {
        utf8.decode(bytes.subarray(i, i + length));
      } catch {
        return i;
      }
    }
    i += length;
  }
  return i;
}
