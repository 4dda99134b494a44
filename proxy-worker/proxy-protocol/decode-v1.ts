// The v1 text line, decoded strictly: `PROXY TCP4|TCP6 <src> <dst> <sport> <dport>\r\n` with single
// spaces, IPv4 without leading zeros, ports 0-65535 without leading zeros, CRLF within 107 bytes,
// or `PROXY UNKNOWN` (anything up to the CRLF ignored).
import { isIP } from 'node:net';
import { parseIpv4 } from '../../shared/acl/ip-address.js';
import { canonicalIp } from '../../shared/ip-port.js';
import { INCOMPLETE, NO_TLVS, invalid, type DecodeResult, type HeaderAddress } from './proxy-header.js';
import { V1_MAX_LINE_BYTES, V1_PREFIX } from './wire.js';

const CR = 0x0d;
const LF = 0x0a;
const PORT = /^(?:0|[1-9][0-9]{0,4})$/;

/** Decodes the v1 line at the start of `bytes` (which must start like `PROXY `, or be a prefix of it). */
export function decodeV1(bytes: Buffer): DecodeResult {
  const scanEnd = Math.min(bytes.length, V1_MAX_LINE_BYTES);
  for (let i = 0; i < scanEnd; i++) {
    const c = bytes[i]!;
    if (i < V1_PREFIX.length) {
      if (c !== V1_PREFIX[i]) return invalid('not a PROXY protocol header');
    } else if (c === CR) {
      if (i + 2 > V1_MAX_LINE_BYTES) break;
      if (i + 1 === bytes.length) return INCOMPLETE;
      if (bytes[i + 1] !== LF) return invalid('PROXY v1 line has a CR not followed by LF');
      return decodeLine(bytes.toString('latin1', V1_PREFIX.length, i), i + 2);
    } else if (c === LF) {
      return invalid('PROXY v1 line ends with a bare LF instead of CRLF');
    } else if (c < 0x20 || c > 0x7e) {
      return invalid('PROXY v1 line holds a byte that is not printable ASCII');
    }
  }
  if (bytes.length < V1_MAX_LINE_BYTES) return INCOMPLETE;
  return invalid(`PROXY v1 line has no CRLF within ${V1_MAX_LINE_BYTES} bytes`);
}

function decodeLine(line: string, length: number): DecodeResult {
  const fields = line.split(' ');
  const protocol = fields[0]!;
  if (protocol === 'UNKNOWN') {
    return { status: 'complete', length, header: { version: 1, command: 'proxy', transport: null, source: null, destination: null, tlvs: NO_TLVS } };
  }
  if (protocol !== 'TCP4' && protocol !== 'TCP6') return invalid(`PROXY v1 protocol ${JSON.stringify(protocol.slice(0, 16))} is not TCP4, TCP6 or UNKNOWN`);
  if (fields.length !== 5) return invalid(`PROXY v1 ${protocol} line needs 4 fields after the protocol, one space apart`);
  const family = protocol === 'TCP4' ? 4 : 6;
  const sourceIp = addressOf(fields[1]!, family);
  const destinationIp = addressOf(fields[2]!, family);
  if (sourceIp === null || destinationIp === null) return invalid(`PROXY v1 ${protocol} line has an address that is not IPv${family}`);
  const sourcePort = portOf(fields[3]!);
  const destinationPort = portOf(fields[4]!);
  if (sourcePort < 0 || destinationPort < 0) return invalid('PROXY v1 line has a port that is not 0-65535 (without leading zeros)');
  const source: HeaderAddress = { ip: sourceIp, port: sourcePort };
  const destination: HeaderAddress = { ip: destinationIp, port: destinationPort };
  return { status: 'complete', length, header: { version: 1, command: 'proxy', transport: 'tcp', source, destination, tlvs: NO_TLVS } };
}

/** The address in RouteX's one canonical spelling (IPv6 per RFC 5952, IPv4-mapped IPv6 as IPv4), or null. */
function addressOf(text: string, family: 4 | 6): string | null {
  if (family === 4) return parseIpv4(text) >= 0 ? text : null;
  if (text.includes('%') || isIP(text) !== 6) return null;
  return canonicalIp(text) ?? null;
}

function portOf(text: string): number {
  if (!PORT.test(text)) return -1;
  const port = Number(text);
  return port <= 65_535 ? port : -1;
}
