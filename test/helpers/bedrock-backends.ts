// Bedrock (RakNet) backends that read PROXY v2 headers on UDP, as the two consumer families do:
// CloudburstMC/Geyser (a header on a sender's first datagram only; later datagrams are taken as
// they are, a repeated header included) and a per-datagram parser (the 2026 spec; every datagram
// must carry one). Both answer RakNet's unconnected ping with a pong naming the client address
// the header gave them.
import dgram from 'node:dgram';
import { decodeProxyHeader } from '../../proxy-worker/proxy-protocol/header-decoder.js';

const RAKNET_MAGIC = Buffer.from('00ffff00fefefefefdfdfdfd12345678', 'hex');
const UNCONNECTED_PING = 0x01;
const UNCONNECTED_PONG = 0x1c;

export interface SenderRecord {
  datagrams: number;
  /** Datagrams that began with a PROXY v2 header. */
  headers: number;
  /** The client (ip:port) the sender's first header named. */
  client: string;
}

export interface BedrockBackend {
  port: number;
  /** By sender ip:port: one per RouteX session, since each session keeps its own source port. */
  readonly senders: Map<string, SenderRecord>;
  /** Datagrams dropped: no header where one was needed, or a malformed one. */
  dropped: number;
  close(): Promise<void>;
}

/** A RakNet unconnected ping, as a Bedrock client sends to list a server. */
export function unconnectedPing(time: number): Buffer {
  const ping = Buffer.alloc(33);
  ping[0] = UNCONNECTED_PING;
  ping.writeBigUInt64BE(BigInt(time), 1);
  RAKNET_MAGIC.copy(ping, 9);
  ping.writeBigUInt64BE(0x1234n, 25);
  return ping;
}

/** The server name of a pong ("MCPE;motd;…;sub-motd;…"), or null when `datagram` is not one. */
export function pongServerName(datagram: Buffer): string | null {
  if (datagram[0] !== UNCONNECTED_PONG || datagram.length < 35) return null;
  return datagram.toString('utf8', 35, 35 + datagram.readUInt16BE(33));
}

function pong(ping: Buffer, client: string): Buffer {
  const name = Buffer.from(`MCPE;RouteX test;712;1.21.0;0;10;1234567890;seen ${client};Survival;1;19132;19133;`);
  const header = Buffer.alloc(35);
  header[0] = UNCONNECTED_PONG;
  ping.copy(header, 1, 1, 9);
  header.writeBigUInt64BE(0x5678n, 9);
  RAKNET_MAGIC.copy(header, 17);
  header.writeUInt16BE(name.length, 33);
  return Buffer.concat([header, name]);
}

function readHeader(datagram: Buffer): { client: string; length: number } | null {
  const result = decodeProxyHeader(datagram, { v1: false, v2: true, maxHeaderBytes: 536 });
  if (result.status !== 'complete' || result.header.source === null) return null;
  const { ip, port } = result.header.source;
  return { client: `${ip}:${port}`, length: result.length };
}

async function startBackend(handle: (backend: BedrockBackend, datagram: Buffer, sender: string) => { payload: Buffer; client: string } | null): Promise<BedrockBackend> {
  const socket = dgram.createSocket('udp4');
  const backend: BedrockBackend = { port: 0, senders: new Map(), dropped: 0, close: () => new Promise((resolve) => socket.close(() => resolve())) };
  socket.on('message', (datagram, rinfo) => {
    const taken = handle(backend, datagram, `${rinfo.address}:${rinfo.port}`);
    if (taken === null) return;
    // A payload that is not a ping (e.g. a header passed on unstripped) gets no answer, as RakNet would ignore it.
    if (taken.payload[0] === UNCONNECTED_PING) socket.send(pong(taken.payload, taken.client), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  backend.port = socket.address().port;
  return backend;
}

/** CloudburstMC's RakProxyServerHandler semantics: header on a sender's first datagram, never looked for again. */
export function startCloudburstBackend(): Promise<BedrockBackend> {
  return startBackend((backend, datagram, sender) => {
    const known = backend.senders.get(sender);
    const header = readHeader(datagram);
    if (known !== undefined) {
      known.datagrams++;
      if (header !== null) known.headers++;
      return { payload: datagram, client: known.client };
    }
    if (header === null) {
      backend.dropped++;
      return null;
    }
    backend.senders.set(sender, { datagrams: 1, headers: 1, client: header.client });
    return { payload: datagram.subarray(header.length), client: header.client };
  });
}

/** A per-datagram parser (spec 2026-05, go-proxyproto ParseUDPDatagram): every datagram must carry a header. */
export function startPerDatagramBackend(): Promise<BedrockBackend> {
  return startBackend((backend, datagram, sender) => {
    const header = readHeader(datagram);
    if (header === null) {
      backend.dropped++;
      return null;
    }
    const record = backend.senders.get(sender) ?? { datagrams: 0, headers: 0, client: header.client };
    record.datagrams++;
    record.headers++;
    backend.senders.set(sender, record);
    return { payload: datagram.subarray(header.length), client: header.client };
  });
}
