// Which PROXY version the first bytes of a connection or datagram are, decoded with the version's
// own strict decoder. Pure: a caller feeds what it has received so far (bounded by its own cap)
// and gets "need more", "invalid, because" or the header and its length.
import { decodeV1 } from './decode-v1.js';
import { decodeV2 } from './decode-v2.js';
import { INCOMPLETE, invalid, type DecodeResult } from './proxy-header.js';
import { V1_PREFIX, V2_SIGNATURE } from './wire.js';

export interface DecodeOptions {
  v1: boolean;
  v2: boolean;
  /** The longest header accepted, TLVs included (a v1 line is at most 107 bytes anyway). */
  maxHeaderBytes: number;
}

export function decodeProxyHeader(bytes: Buffer, options: DecodeOptions): DecodeResult {
  if (bytes.length === 0) return INCOMPLETE;
  if (bytes[0] === V2_SIGNATURE[0]) return options.v2 ? decodeV2(bytes, options.maxHeaderBytes) : invalid('PROXY v2 header, and only v1 is accepted');
  if (bytes[0] === V1_PREFIX[0]) return options.v1 ? decodeV1(bytes) : invalid('PROXY v1 header, and only v2 is accepted');
  return invalid('not a PROXY protocol header');
}

/**
 * Whether `bytes` start with a PROXY signature (`PROXY ` or the v2 one): `yes`, `no`, or `maybe`
 * when every byte so far matches one but too few have arrived to tell.
 */
export function startsLikeHeader(bytes: Buffer): 'yes' | 'no' | 'maybe' {
  const v2 = prefixMatch(bytes, V2_SIGNATURE);
  const v1 = prefixMatch(bytes, V1_PREFIX);
  if (v2 === 'yes' || v1 === 'yes') return 'yes';
  return v2 === 'maybe' || v1 === 'maybe' ? 'maybe' : 'no';
}

function prefixMatch(bytes: Buffer, signature: Readonly<Buffer>): 'yes' | 'no' | 'maybe' {
  const n = Math.min(bytes.length, signature.length);
  for (let i = 0; i < n; i++) if (bytes[i] !== signature[i]) return 'no';
  return n === signature.length ? 'yes' : 'maybe';
}
