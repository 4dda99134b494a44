// Minecraft Bedrock (RakNet): a session proves its round trip by leaving the unconnected phase.
// The server answers Open Connection Request 2 with Reply 2 (0x08) only after Reply 1, and a
// server with RakNet security (Geyser's cookies) only to a Request 2 that carries the cookie
// from Reply 1; the client then speaks in connected datagrams (frame sets 0x80–0x8F, ACK 0xC0,
// NAK 0xA0). Unconnected pings and pongs never prove anything: they stay measured.
// Without cookies RakNet has no server secret a client must return, so this is the strongest
// proof the protocol offers: a forger would have to script the whole handshake blind, and the
// large traffic (the world) only starts after a login whose encryption handshake it cannot do
// without reading the server's replies.
import type { RoundTripWatch } from './round-trip-watch.js';

const OPEN_CONNECTION_REPLY_2 = 0x08;
const ACK = 0xc0;
const NAK = 0xa0;

export class RakNetConnected implements RoundTripWatch {
  private replied = false;

  fromServer(datagram: Uint8Array): void {
    if (datagram[0] === OPEN_CONNECTION_REPLY_2) this.replied = true;
  }

  fromClient(datagram: Uint8Array): boolean {
    if (!this.replied || datagram.length === 0) return false;
    const id = datagram[0]!;
    return (id >= 0x80 && id <= 0x8f) || id === ACK || id === NAK;
  }
}
