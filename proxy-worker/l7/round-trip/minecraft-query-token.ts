// Minecraft Java's Query over UDP (GameSpy 4): the server answers a handshake with a challenge
// token, written as decimal text, and answers stat requests only when they carry it back:
//   server  09 <session id:4> <token as ASCII, e.g. "-1234567">\0
//   client  FE FD 00 <session id:4> <token:4, big-endian int32> [00 00 00 00]
import type { RoundTripWatch } from './round-trip-watch.js';

const HANDSHAKE = 0x09;
const STAT = 0x00;
const TOKEN_AT = 5;
/** "-2147483648": the longest int32 in decimal. */
const MAX_TOKEN_DIGITS = 11;

export class MinecraftQueryToken implements RoundTripWatch {
  private token = 0;
  private hasToken = false;

  fromServer(datagram: Uint8Array): void {
    if (datagram[0] !== HANDSHAKE || datagram.length < TOKEN_AT + 2) return;
    const token = parseToken(datagram);
    if (token === null) return;
    this.token = token;
    this.hasToken = true;
  }

  fromClient(datagram: Uint8Array): boolean {
    if (!this.hasToken || datagram.length < 11 || datagram[0] !== 0xfe || datagram[1] !== 0xfd || datagram[2] !== STAT) return false;
    const echoed = (datagram[7]! << 24) | (datagram[8]! << 16) | (datagram[9]! << 8) | datagram[10]!;
    return echoed === this.token;
  }
}

/** The token's decimal text from offset 5 to its NUL, as an int32; null when it is not one. */
function parseToken(datagram: Uint8Array): number | null {
  let at = TOKEN_AT;
  const negative = datagram[at] === 0x2d; // '-'
  if (negative) at++;
  let value = 0;
  let digits = 0;
  for (; at < datagram.length && datagram[at] !== 0; at++) {
    const c = datagram[at]!;
    if (c < 0x30 || c > 0x39 || ++digits > MAX_TOKEN_DIGITS) return null;
    value = value * 10 + (c - 0x30);
  }
  if (digits === 0 || at === datagram.length) return null;
  return (negative ? -value : value) | 0;
}
