// What a protocol detector says about the first bytes of a TCP connection or the first datagram
// of a UDP session. Detectors are pure functions over `bytes[start, end)`: no I/O, no state, no
// allocation, safe on any input (they are fuzzed with random and mutated bytes).

/**
 * - `pass`: the bytes begin a valid session of the game; nothing after them is inspected.
 * - `need-more`: a valid prefix so far; only possible while more bytes may come (TCP).
 * - `stray`: traffic of a game session already under way (e.g. a RakNet frame set) that cannot
 *   start one: dropped, but not an offence, since a player whose session RouteX forgot (worker
 *   restart) sends exactly this, and UDP sources can be spoofed.
 * - the rest are L7 event names: the bytes are not the game's, too short or too long.
 */
export type Verdict = 'pass' | 'need-more' | 'stray' | RejectVerdict;
export type RejectVerdict = 'invalid_protocol' | 'payload_too_small' | 'payload_too_large';

/**
 * `complete` is true when no more bytes will come: a UDP datagram, or a TCP client that ended
 * its side. A detector that still wants bytes then answers `payload_too_small`.
 */
export type Detector = (bytes: Uint8Array, start: number, end: number, complete: boolean) => Verdict;

/** The answer for a valid prefix that stops early. */
export function incomplete(complete: boolean): Verdict {
  return complete ? 'payload_too_small' : 'need-more';
}

/** Detectors for protocols that have nothing to check on this transport (e.g. Bedrock over TCP). */
export const passAll: Detector = () => 'pass';

/** True when `bytes[at, at + expected.length)` equals `expected`; false when it does not fit. */
export function bytesEqual(bytes: Uint8Array, at: number, end: number, expected: Uint8Array): boolean {
  if (at + expected.length > end) return false;
  for (let i = 0; i < expected.length; i++) if (bytes[at + i] !== expected[i]) return false;
  return true;
}
