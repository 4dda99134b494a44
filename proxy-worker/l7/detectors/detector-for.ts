// Which detector checks a listener's first bytes, by inspection mode and transport. Every game
// has a grammar for each transport it uses on its port; Bedrock has none over TCP.
import type { CustomInspectionRule, InspectionMode } from '../../../shared/config/resolved-types.js';
import { CustomRules } from './custom-rules.js';
import { inspectFivemUdp } from './fivem-udp.js';
import { inspectHttpRequestLine, MAX_REQUEST_LINE } from './http-request-line.js';
import { inspectMinecraftJava, MAX_JAVA_FIRST_BYTES } from './minecraft-java.js';
import { inspectMinecraftQuery } from './minecraft-query.js';
import { inspectRakNet } from './raknet.js';
import { inspectSourceQuery } from './source-query.js';
import { inspectSourceRcon, MAX_RCON_FIRST_BYTES } from './source-rcon.js';
import type { Detector } from './verdict.js';

export interface DetectorChoice {
  /** The grammar checked, shown in events ("minecraft-java handshake"). */
  name: string;
  inspect: Detector;
  /** Most bytes the detector may need before it decides (TCP); a UDP datagram is whole. */
  maxBytes: number;
  /** For custom rules: the rule that decided the last verdict. */
  decidedBy?: () => string;
}

/** The detector for `mode` on `protocol`, or null when that transport has nothing to check. */
export function detectorFor(mode: InspectionMode, protocol: 'tcp' | 'udp', rules: readonly CustomInspectionRule[]): DetectorChoice | null {
  const udp = protocol === 'udp';
  switch (mode) {
    case 'minecraft-java':
      return udp ? { name: 'minecraft-java query', inspect: inspectMinecraftQuery, maxBytes: 0 } : { name: 'minecraft-java handshake', inspect: inspectMinecraftJava, maxBytes: MAX_JAVA_FIRST_BYTES };
    case 'minecraft-bedrock':
      return udp ? { name: 'minecraft-bedrock raknet', inspect: inspectRakNet, maxBytes: 0 } : null;
    case 'fivem':
      return udp ? { name: 'fivem udp', inspect: inspectFivemUdp, maxBytes: 0 } : { name: 'fivem http', inspect: inspectHttpRequestLine, maxBytes: MAX_REQUEST_LINE };
    case 'gmod':
      return udp ? { name: 'gmod source query', inspect: inspectSourceQuery, maxBytes: 0 } : { name: 'gmod rcon', inspect: inspectSourceRcon, maxBytes: MAX_RCON_FIRST_BYTES };
    case 'custom': {
      if (rules.length === 0) return null;
      const custom = new CustomRules(rules);
      return { name: 'custom rules', inspect: custom.inspect, maxBytes: custom.reach, decidedBy: () => custom.decidedBy };
    }
    case 'none':
      return null;
  }
}
