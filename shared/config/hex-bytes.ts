// `match_bytes` of a custom inspection rule: comma-separated bytes written `0x` + one or two hex
// digits, like "0x0F,0x10". Strict on purpose: the Go original's runtime parser took "0F10" as
// something else than its validator did.
import { fail, ok, type Parsed } from './parsed.js';

const HEX_BYTE = /^0[xX][0-9a-fA-F]{1,2}$/;

export function parseHexBytes(text: string): Parsed<number[]> {
  const tokens = text.split(',').map((token) => token.trim());
  if (tokens.length === 1 && tokens[0] === '') return fail('must list at least one byte, like "0x0F,0x10"');
  const bytes: number[] = [];
  for (const [index, token] of tokens.entries()) {
    if (!HEX_BYTE.test(token)) {
      return fail(`byte ${index + 1} "${token}" must be 0x followed by one or two hex digits, like 0x0F`);
    }
    bytes.push(Number.parseInt(token.slice(2), 16));
  }
  return ok(bytes);
}
