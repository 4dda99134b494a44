// Source engine A2S queries (UDP; https://developer.valvesoftware.com/wiki/Server_queries).
// Every simple packet starts with FF FF FF FF; a split reply with FE FF FF FF.
//   A2S_INFO   'T' "Source Engine Query\0" [challenge(4)]   → 'I' info, or 'A' challenge
//   A2S_PLAYER 'U' challenge(4) (FF FF FF FF asks for one)  → 'D' players, or 'A'
//   A2S_RULES  'V' challenge(4)                             → 'E' rules, or 'A'
//   A2S_SERVERQUERY_GETCHALLENGE 'W' (legacy)               → 'A'

export type A2sQuery = 'info' | 'players' | 'rules';

export interface A2sRequest {
  /** What is asked; 'challenge' = only a challenge (the legacy 'W'). */
  kind: A2sQuery | 'challenge';
  /** The challenge the client sent, or null (none, or the FF FF FF FF placeholder). */
  challenge: number | null;
}

const SIMPLE = 0xffffffff;
const SPLIT = 0xfffffffe;
const INFO_PAYLOAD = Buffer.from('Source Engine Query\0', 'latin1');
const INFO_REQUEST = 0x54;
const PLAYER_REQUEST = 0x55;
const RULES_REQUEST = 0x56;
const CHALLENGE_REQUEST = 0x57;
const CHALLENGE_REPLY = 0x41;
export const INFO_REQUEST_LENGTH = 5 + INFO_PAYLOAD.length;
export const CHALLENGE_REPLY_LENGTH = 9;
const NO_CHALLENGE = -1;

/** The query a datagram is, or undefined when it is not an A2S query (game traffic, other connectionless packets). */
export function parseA2sRequest(datagram: Buffer): A2sRequest | undefined {
  if (datagram.length < 5 || datagram.readUInt32LE(0) !== SIMPLE) return undefined;
  switch (datagram[4]) {
    case INFO_REQUEST:
      if (datagram.length < INFO_REQUEST_LENGTH || datagram.compare(INFO_PAYLOAD, 0, INFO_PAYLOAD.length, 5, INFO_REQUEST_LENGTH) !== 0) return undefined;
      return { kind: 'info', challenge: challengeAt(datagram, INFO_REQUEST_LENGTH) };
    case PLAYER_REQUEST:
      return datagram.length >= 9 ? { kind: 'players', challenge: challengeAt(datagram, 5) } : undefined;
    case RULES_REQUEST:
      return datagram.length >= 9 ? { kind: 'rules', challenge: challengeAt(datagram, 5) } : undefined;
    case CHALLENGE_REQUEST:
      return { kind: 'challenge', challenge: null };
    default:
      return undefined;
  }
}

function challengeAt(datagram: Buffer, offset: number): number | null {
  if (datagram.length < offset + 4) return null;
  const value = datagram.readInt32LE(offset);
  return value === NO_CHALLENGE ? null : value;
}

export function encodeChallengeReply(challenge: number): Buffer {
  const reply = Buffer.allocUnsafe(CHALLENGE_REPLY_LENGTH);
  reply.writeUInt32LE(SIMPLE, 0);
  reply[4] = CHALLENGE_REPLY;
  reply.writeInt32LE(challenge, 5);
  return reply;
}

/** The request the proxy sends a backend, with the backend's challenge once it has one. */
export function encodeA2sRequest(query: A2sQuery, challenge: number | null): Buffer {
  const request = query === 'info' ? Buffer.alloc(INFO_REQUEST_LENGTH + (challenge === null ? 0 : 4)) : Buffer.alloc(9);
  request.writeUInt32LE(SIMPLE, 0);
  if (query === 'info') {
    request[4] = INFO_REQUEST;
    INFO_PAYLOAD.copy(request, 5);
    if (challenge !== null) request.writeInt32LE(challenge, INFO_REQUEST_LENGTH);
  } else {
    request[4] = query === 'players' ? PLAYER_REQUEST : RULES_REQUEST;
    request.writeInt32LE(challenge ?? NO_CHALLENGE, 5);
  }
  return request;
}

/** The challenge in a backend's S2C_CHALLENGE reply, or undefined. */
export function parseChallengeReply(datagram: Buffer): number | undefined {
  if (datagram.length < CHALLENGE_REPLY_LENGTH || datagram.readUInt32LE(0) !== SIMPLE || datagram[4] !== CHALLENGE_REPLY) return undefined;
  return datagram.readInt32LE(5);
}

/** The reply header byte each query expects from a server: 'I', 'D', 'E'. */
export const REPLY_HEADER: Readonly<Record<A2sQuery, number>> = { info: 0x49, players: 0x44, rules: 0x45 };

export type ReplyPart =
  | { kind: 'whole'; header: number }
  /** One packet of a split reply (Source layout: id(4) total(1) number(1) [size(2)]). */
  | { kind: 'split'; id: number; total: number; number: number }
  | { kind: 'other' };

export function classifyReply(datagram: Buffer): ReplyPart {
  if (datagram.length >= 5 && datagram.readUInt32LE(0) === SIMPLE) return { kind: 'whole', header: datagram[4]! };
  if (datagram.length >= 10 && datagram.readUInt32LE(0) === SPLIT) {
    return { kind: 'split', id: datagram.readInt32LE(4), total: datagram[8]!, number: datagram[9]! };
  }
  return { kind: 'other' };
}
