import type { FirstBytesContext, FirstBytesStep, StepDecision } from '../first-bytes/first-bytes-step.js';
import { reject } from '../first-bytes/first-bytes-step.js';
import { MAX_CLIENT_HELLO_BYTES, parseClientHello } from '../tls/client-hello.js';
import { ROUTING_REJECTED, type RoutingContext } from './routing-context.js';

/**
 * The TLS step of the first-bytes stage: picks the route by the ClientHello's server_name. No
 * SNI, or no TLS at all, goes to the default route; a malformed ClientHello is refused. The
 * bytes are replayed to the backend untouched.
 */
export function sniStep(context: RoutingContext): FirstBytesStep {
  return {
    name: 'routing (tls-sni)',
    maxBytes: MAX_CLIENT_HELLO_BYTES,
    timeoutMs: context.config.routing.handshakeTimeoutMs,
    decide(ctx: FirstBytesContext): StepDecision {
      const hello = parseClientHello(Buffer.from(ctx.bytes.buffer, ctx.bytes.byteOffset + ctx.start, ctx.end - ctx.start));
      switch (hello.kind) {
        case 'need-more':
          return 'need-more';
        case 'not-tls':
        case 'no-sni':
          return context.listenerRoute(ctx).choice;
        case 'invalid':
          return reject(ROUTING_REJECTED, null, `malformed TLS ClientHello: ${hello.reason}`);
        case 'sni': {
          const target = context.forHost(hello.host, ctx);
          return target === null ? context.unknownHostRejection : target.choice;
        }
      }
    },
  };
}
