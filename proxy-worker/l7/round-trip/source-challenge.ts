// Source engine (gmod): the server hands out a challenge in an S2C_CHALLENGE reply,
// `FF FF FF FF 41`, and answers only requests that carry it back:
//   A2S form      41 <challenge:4>                                      9 bytes
//   connect form  41 <magic version:4> <challenge:4> <client challenge:4> …
// The client proves it received one when it sends
//   'T' A2S_INFO "Source Engine Query\0" <challenge:4>   (29 bytes, challenge at 25)
//   'U' A2S_PLAYER / 'V' A2S_RULES <challenge:4>          (9 bytes, challenge at 5)
//   'k' C2S_CONNECT <protocol:4> <auth protocol:4> <challenge:4> … (challenge at 13)
// with the value the server gave, compared as raw little-endian int32.
import type { RoundTripWatch } from './round-trip-watch.js';

const S2C_CHALLENGE = 0x41;
const A2S_CHALLENGE_REPLY = 9;
/** Header, type, magic version, challenge, client challenge. */
const CONNECT_CHALLENGE_MIN = 17;
const INFO_WITH_CHALLENGE = 29;

export class SourceChallenge implements RoundTripWatch {
  private queryChallenge = 0;
  private connectChallenge = 0;
  private hasQueryChallenge = false;
  private hasConnectChallenge = false;

  fromServer(datagram: Uint8Array): void {
    if (!connectionless(datagram) || datagram[4] !== S2C_CHALLENGE) return;
    if (datagram.length === A2S_CHALLENGE_REPLY) {
      this.queryChallenge = int32At(datagram, 5);
      this.hasQueryChallenge = true;
    } else if (datagram.length >= CONNECT_CHALLENGE_MIN) {
      this.connectChallenge = int32At(datagram, 9);
      this.hasConnectChallenge = true;
    }
  }

  fromClient(datagram: Uint8Array): boolean {
    if (!connectionless(datagram)) return false;
    switch (datagram[4]) {
      case 0x54: // 'T'
        return this.hasQueryChallenge && datagram.length === INFO_WITH_CHALLENGE && int32At(datagram, 25) === this.queryChallenge;
      case 0x55: // 'U'
      case 0x56: // 'V'
        return this.hasQueryChallenge && datagram.length === A2S_CHALLENGE_REPLY && int32At(datagram, 5) === this.queryChallenge;
      case 0x6b: // 'k'
        return this.hasConnectChallenge && datagram.length >= 17 && int32At(datagram, 13) === this.connectChallenge;
      default:
        return false;
    }
  }
}

function connectionless(datagram: Uint8Array): boolean {
  return datagram.length >= 5 && datagram[0] === 0xff && datagram[1] === 0xff && datagram[2] === 0xff && datagram[3] === 0xff;
}

function int32At(bytes: Uint8Array, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24);
}
