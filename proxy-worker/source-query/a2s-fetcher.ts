import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import { classifyReply, encodeA2sRequest, parseChallengeReply, REPLY_HEADER, type A2sQuery } from './a2s-packets.js';

/** A backend that keeps asking for a new challenge is not answering. */
const MAX_CHALLENGE_ROUNDS = 3;
/** Source splits replies into at most this many packets in practice (rules lists of big servers). */
const MAX_SPLIT_PACKETS = 32;

/**
 * Asks a Source backend one A2S query, doing its challenge exchange, and returns the reply's
 * datagrams exactly as the backend sent them (one, or every packet of a split reply in order),
 * or null when no complete reply comes within `timeoutMs`.
 */
export function fetchA2sReply(ip: string, port: number, query: A2sQuery, timeoutMs: number, header: Buffer | null = null): Promise<Buffer[] | null> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket(isIPv6(ip) ? 'udp6' : 'udp4');
    let rounds = 0;
    let splitId: number | null = null;
    const split = new Map<number, Buffer>();
    const finish = (reply: Buffer[] | null): void => {
      clearTimeout(timer);
      socket.close();
      resolve(reply);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    const ask = (challenge: number | null): void => {
      if (++rounds > MAX_CHALLENGE_ROUNDS) return finish(null);
      const request = encodeA2sRequest(query, challenge);
      socket.send(header === null ? request : Buffer.concat([header, request]));
    };
    socket.on('error', () => finish(null));
    socket.on('message', (datagram) => {
      const part = classifyReply(datagram);
      if (part.kind === 'whole') {
        const challenge = parseChallengeReply(datagram);
        if (challenge !== undefined) return ask(challenge);
        if (part.header === REPLY_HEADER[query]) finish([datagram]);
      } else if (part.kind === 'split') {
        if (part.total === 0 || part.total > MAX_SPLIT_PACKETS || part.number >= part.total) return;
        if (splitId !== null && part.id !== splitId) return;
        splitId = part.id;
        split.set(part.number, datagram);
        if (split.size === part.total) finish([...split.keys()].sort((a, b) => a - b).map((n) => split.get(n)!));
      }
    });
    socket.connect(port, ip, () => ask(null));
  });
}
