// What a received PROXY header says, and the outcome of decoding the bytes a peer sent so far.

export interface HeaderAddress {
  ip: string;
  port: number;
}

export interface Tlv {
  type: number;
  /** A view into the decoded bytes. */
  value: Buffer;
}

export interface ProxyHeader {
  version: 1 | 2;
  /** `local`: the sender's own connection (a health check); the socket's endpoints stand. */
  command: 'local' | 'proxy';
  /** What the header describes; null for LOCAL, UNKNOWN, UNSPEC and UNIX addresses. */
  transport: 'tcp' | 'udp' | null;
  /** The original client, IPv4-mapped IPv6 unwrapped; null when the header carries no IP address. */
  source: HeaderAddress | null;
  /** The address the client reached; null with `source`. */
  destination: HeaderAddress | null;
  tlvs: readonly Tlv[];
}

export type DecodeResult =
  | { status: 'incomplete' }
  | { status: 'invalid'; reason: string }
  /** `length`: the header's bytes; whatever follows them is the client's own payload. */
  | { status: 'complete'; header: ProxyHeader; length: number };

export const INCOMPLETE: DecodeResult = Object.freeze({ status: 'incomplete' });
export const NO_TLVS: readonly Tlv[] = Object.freeze([]);

export function invalid(reason: string): DecodeResult {
  return { status: 'invalid', reason };
}

/** The value of the first TLV of `type`, or null. */
export function tlvValue(header: ProxyHeader, type: number): Buffer | null {
  for (const tlv of header.tlvs) if (tlv.type === type) return tlv.value;
  return null;
}
