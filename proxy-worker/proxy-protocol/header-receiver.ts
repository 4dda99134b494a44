// proxy_protocol.receive, decided: whether a new connection's peer may send a PROXY header, and
// what its first bytes (or a UDP session's first datagram) make of it. Pure: no I/O; the
// first-bytes step and the UDP session put it to work.
import { AclMatcher, ClientIp } from '../../shared/acl/acl-matcher.js';
import type { ProxyProtocolReceiveConfig } from '../../shared/config/resolved-types.js';
import { decodeProxyHeader, startsLikeHeader, type DecodeOptions } from './header-decoder.js';
import type { ProxyHeader } from './proxy-header.js';

/** Why a connection or datagram was refused; counted and logged under this name. */
export type ReceiveRefusal =
  /** from_untrusted: drop, and the peer is not trusted. */
  | 'untrusted_peer'
  /** from_untrusted: reject, and an untrusted peer sent a PROXY header. */
  | 'untrusted_header'
  /** A trusted peer sent bytes that are not a PROXY header, and one is required. */
  | 'missing_header'
  | 'malformed_header'
  /** No complete header (or, from an untrusted peer, no telling bytes) within header_timeout. */
  | 'header_timeout';

export type ReceiveDecision =
  | { kind: 'need-more' }
  /** Go on with the connection's own peer address; nothing is consumed. */
  | { kind: 'no-header' }
  /** The header's `length` bytes are RouteX's; its source (when it has one) is the client. */
  | { kind: 'header'; header: ProxyHeader; length: number }
  | { kind: 'refuse'; refusal: ReceiveRefusal; detail: string };

const NEED_MORE: ReceiveDecision = Object.freeze({ kind: 'need-more' });
const NO_HEADER: ReceiveDecision = Object.freeze({ kind: 'no-header' });
const UNTRUSTED_PEER: ReceiveDecision = Object.freeze({ kind: 'refuse', refusal: 'untrusted_peer', detail: 'the peer is not in proxy_protocol.receive.trusted_cidrs' });
const UNTRUSTED_HEADER: ReceiveDecision = Object.freeze({ kind: 'refuse', refusal: 'untrusted_header', detail: 'a PROXY header from a peer that is not in trusted_cidrs' });

export class HeaderReceiver {
  private readonly trusted: AclMatcher;
  private readonly peer = new ClientIp();
  private readonly decodeOptions: DecodeOptions;

  constructor(
    readonly config: ProxyProtocolReceiveConfig,
    /** UDP reads v2 only: v1 has no datagram form. */
    readonly transport: 'tcp' | 'udp',
  ) {
    this.trusted = AclMatcher.compile({ defaultAction: 'deny', rules: config.trustedCidrs.map((cidr) => ({ action: 'allow', cidr, comment: '' })) });
    this.decodeOptions = { v1: config.acceptV1 && transport === 'tcp', v2: config.acceptV2, maxHeaderBytes: config.maxHeaderBytes };
  }

  isTrusted(peerIp: string): boolean {
    this.peer.parse(peerIp);
    return this.trusted.allowsAt(this.trusted.match(this.peer));
  }

  /**
   * What the bytes a peer sent so far decide. `complete`: no more will come (a datagram, or a
   * TCP peer that ended its side).
   */
  decide(peerIp: string, bytes: Buffer, complete: boolean): ReceiveDecision {
    if (!this.isTrusted(peerIp)) return this.untrusted(bytes, complete);
    const result = decodeProxyHeader(bytes, this.decodeOptions);
    if (result.status === 'complete') return { kind: 'header', header: result.header, length: result.length };
    const start = startsLikeHeader(bytes);
    if (start === 'no' && !this.config.requireFromTrusted) return NO_HEADER;
    if (result.status === 'invalid') return refuse(start === 'no' ? 'missing_header' : 'malformed_header', result.reason);
    if (!complete) return NEED_MORE;
    if (bytes.length === 0 && !this.config.requireFromTrusted) return NO_HEADER;
    return refuse(bytes.length === 0 ? 'missing_header' : 'malformed_header', `the peer stopped after ${bytes.length} bytes of a PROXY header`);
  }

  /**
   * A datagram of a trusted peer's open UDP session: the length of the PROXY header it starts with
   * (0: none, forwarded whole, as after a sender that heads only a session's first datagram), or
   * -1 to drop it (a malformed header, or one naming another client than the session's).
   */
  headerLengthIn(datagram: Buffer, clientIp: string, clientPort: number): number {
    if (startsLikeHeader(datagram) !== 'yes') return 0;
    const result = decodeProxyHeader(datagram, this.decodeOptions);
    if (result.status !== 'complete') return -1;
    const { source, transport } = result.header;
    if (source !== null && transport === 'udp' && (source.ip !== clientIp || source.port !== clientPort)) return -1;
    return result.length;
  }

  /** The refusal when header_timeout passes before `decide` settled. */
  timedOut(peerIp: string): ReceiveDecision & { kind: 'refuse' } {
    const what = this.isTrusted(peerIp) ? 'no complete PROXY header' : 'no first bytes to tell a PROXY header from';
    return refuse('header_timeout', `${what} within ${this.config.headerTimeoutMs} ms`);
  }

  private untrusted(bytes: Buffer, complete: boolean): ReceiveDecision {
    const policy = this.config.fromUntrusted;
    if (policy === 'plain') return NO_HEADER;
    if (policy === 'drop') return UNTRUSTED_PEER;
    const start = startsLikeHeader(bytes);
    if (start === 'yes') return UNTRUSTED_HEADER;
    return start === 'no' || complete ? NO_HEADER : NEED_MORE;
  }
}

function refuse(refusal: ReceiveRefusal, detail: string): ReceiveDecision & { kind: 'refuse' } {
  return { kind: 'refuse', refusal, detail };
}
