// proxy_protocol.receive as the first step of the first-bytes stage: it reads the PROXY header
// of a trusted peer, makes the header's source the client address every later step (ACL, bans,
// L7), the balancer, the logs and the header sent onward read, and moves `ctx.start` past the
// header so it is not replayed to the backend.
import { reject, type FirstBytesContext, type FirstBytesStep, type Rejection } from '../first-bytes/first-bytes-step.js';
import type { HeaderReceiver, ReceiveDecision } from './header-receiver.js';

/** The rejection reason of this step: counted as `proxy_protocol_refused`, not as an L7 block. */
export const PROXY_PROTOCOL_REFUSED = 'proxy_protocol';

function rejection(decision: ReceiveDecision & { kind: 'refuse' }): Rejection {
  return reject(PROXY_PROTOCOL_REFUSED, null, `${decision.refusal}: ${decision.detail}`);
}

/** `onHeader` is told of each header that set a connection's client address. */
export function receiveStep(receiver: HeaderReceiver, onHeader: () => void): FirstBytesStep {
  return {
    name: 'proxy-protocol',
    maxBytes: receiver.config.maxHeaderBytes,
    timeoutMs: receiver.config.headerTimeoutMs,
    decide(ctx: FirstBytesContext) {
      const bytes = Buffer.from(ctx.bytes.buffer, ctx.bytes.byteOffset + ctx.start, ctx.end - ctx.start);
      const decision = receiver.decide(ctx.client.ip, bytes, ctx.complete);
      switch (decision.kind) {
        case 'need-more':
          return 'need-more';
        case 'no-header':
          return 'pass';
        case 'refuse':
          return rejection(decision);
        case 'header': {
          const { source, destination, transport } = decision.header;
          ctx.start += decision.length;
          // A header for another transport (or LOCAL, UNSPEC, UNIX) keeps the connection's own endpoints, as the spec says.
          if (source !== null && transport === ctx.protocol) {
            ctx.client = source;
            ctx.reached = destination;
            onHeader();
          }
          return 'pass';
        }
      }
    },
    timedOut: (ctx) => rejection(receiver.timedOut(ctx.client.ip)),
  };
}
