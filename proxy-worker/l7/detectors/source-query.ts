// Source engine (Garry's Mod, CS, Rust…) over UDP: a session starts with a connectionless packet,
// `FF FF FF FF` then a type byte (§3.3 of ../shared/reference/game-protocols.md,
// developer.valvesoftware.com/wiki/Server_queries):
//   'T' A2S_INFO "Source Engine Query\0" [challenge:4]   25 or 29 bytes
//   'U' A2S_PLAYER <challenge:4>, 'V' A2S_RULES <challenge:4>   9 bytes (challenge -1 asks for one)
//   'W' A2S_SERVERQUERY_GETCHALLENGE (legacy), 'i' A2A_PING
//   'q' A2S_GETCHALLENGE and 'k' C2S_CONNECT: how a game client joins
// In-game traffic (netchannel: sequence, ack, flags…) cannot start a session, and a split
// packet (`FE FF FF FF`) only ever comes from servers.
import type { Verdict } from './verdict.js';

const CONNECTIONLESS = 0xff;
const INFO_PAYLOAD = Uint8Array.from([...'Source Engine Query'].map((c) => c.charCodeAt(0)).concat(0));
const HEADER = 4;
/** Sequence (4), ack (4) and flags (1): the least a netchannel packet holds. */
const NETCHANNEL_MIN = 9;
/** Source keeps datagrams under 1400 bytes; a connect packet with its Steam ticket fits. */
const MAX_SOURCE_DATAGRAM = 1400;

export function inspectSourceQuery(bytes: Uint8Array, start: number, end: number): Verdict {
  const length = end - start;
  for (let i = 0; i < HEADER; i++) {
    if (i >= length) return 'payload_too_small';
    if (bytes[start + i] !== CONNECTIONLESS) return notConnectionless(bytes, start, length);
  }
  if (length === HEADER) return 'payload_too_small';
  switch (bytes[start + HEADER]) {
    case 0x54: // 'T'
      if (!prefixMatches(bytes, start + HEADER + 1, end, INFO_PAYLOAD)) return 'invalid_protocol';
      if (length < 25) return 'payload_too_small';
      return length === 25 || length === 29 ? 'pass' : length > 29 ? 'payload_too_large' : 'invalid_protocol';
    case 0x55: // 'U'
    case 0x56: // 'V'
      return exactly(length, 9);
    case 0x57: // 'W'
    case 0x69: // 'i'
      return within(length, 5, 9);
    case 0x71: // 'q'
      return within(length, 5, 64);
    case 0x6b: // 'k'
      return within(length, 5, MAX_SOURCE_DATAGRAM);
    default:
      return 'invalid_protocol';
  }
}

function notConnectionless(bytes: Uint8Array, start: number, length: number): Verdict {
  if (bytes[start] === 0xfe && length >= HEADER && bytes[start + 1] === 0xff && bytes[start + 2] === 0xff && bytes[start + 3] === 0xff) return 'invalid_protocol';
  if (length < NETCHANNEL_MIN) return 'invalid_protocol';
  return length <= MAX_SOURCE_DATAGRAM ? 'stray' : 'payload_too_large';
}

/** Whether the bytes present match the start of `expected` (all of it, or as much as there is). */
function prefixMatches(bytes: Uint8Array, at: number, end: number, expected: Uint8Array): boolean {
  const n = Math.min(expected.length, end - at);
  for (let i = 0; i < n; i++) if (bytes[at + i] !== expected[i]) return false;
  return true;
}

function exactly(length: number, size: number): Verdict {
  return length === size ? 'pass' : length < size ? 'payload_too_small' : 'payload_too_large';
}

function within(length: number, min: number, max: number): Verdict {
  return length < min ? 'payload_too_small' : length > max ? 'payload_too_large' : 'pass';
}
