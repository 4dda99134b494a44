// Amplification exists against reflection: an attacker forges a victim's address so that the
// server's large answers land on the victim. A source that shows it received one of the
// server's replies cannot be forged, so once a UDP session proves such a round trip in its
// game's own protocol, its answers are no longer measured. A watch looks at the session's
// datagrams until then: a few comparisons per datagram, no allocation, no state beyond a token.
import type { InspectionMode } from '../../../shared/config/resolved-types.js';
import { MinecraftQueryToken } from './minecraft-query-token.js';
import { RakNetConnected } from './raknet-connected.js';
import { SourceChallenge } from './source-challenge.js';

export interface RoundTripWatch {
  /** A datagram from the server to the client (seen before it is relayed). */
  fromServer(datagram: Uint8Array): void;
  /** A datagram from the client: true when it proves the client received an earlier reply. */
  fromClient(datagram: Uint8Array): boolean;
}

/**
 * A new watch for one session of a port speaking `mode`, or null where the game offers no proof
 * (FiveM: see the README, "Amplification and game queries") or no game is known.
 */
export function roundTripWatchFor(mode: InspectionMode): RoundTripWatch | null {
  switch (mode) {
    case 'gmod':
      return new SourceChallenge();
    case 'minecraft-bedrock':
      return new RakNetConnected();
    case 'minecraft-java':
      return new MinecraftQueryToken();
    case 'fivem':
    case 'custom':
    case 'none':
      return null;
  }
}
