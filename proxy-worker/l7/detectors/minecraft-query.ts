// Minecraft Java over UDP: the server's Query protocol (GameSpy 4, `enable-query`), often on the
// game port. A client first asks for a challenge token, then for basic or full stats:
//   FE FD 09 <session id:4>                              handshake, 7 bytes
//   FE FD 09 <session id:4> 00 00 00 00                  handshake as gamedig sends it, 11 bytes
//   FE FD 00 <session id:4> <token:4>                    basic stat, 11 bytes
//   FE FD 00 <session id:4> <token:4> 00 00 00 00        full stat, 15 bytes
import type { Verdict } from './verdict.js';

const HANDSHAKE = 0x09;
const STAT = 0x00;

export function inspectMinecraftQuery(bytes: Uint8Array, start: number, end: number): Verdict {
  const length = end - start;
  if (length < 7) return 'payload_too_small';
  if (bytes[start] !== 0xfe || bytes[start + 1] !== 0xfd) return 'invalid_protocol';
  const type = bytes[start + 2];
  if (type === HANDSHAKE) return length === 7 || length === 11 ? 'pass' : length > 11 ? 'payload_too_large' : 'invalid_protocol';
  if (type !== STAT) return 'invalid_protocol';
  if (length < 11) return 'payload_too_small';
  return length === 11 || length === 15 ? 'pass' : length > 15 ? 'payload_too_large' : 'invalid_protocol';
}
