// The L7 engine's first-bytes steps: slow_connection's minimum first bytes, then the payload
// inspection detector. Both read the bytes from `ctx.start` (after any earlier step's prefix).
import { reject, type FirstBytesContext, type FirstBytesStep, type Rejection, type StepDecision } from '../first-bytes/first-bytes-step.js';
import type { DetectorChoice } from './detectors/detector-for.js';

/** slow_connection: at least `minBytes` within `timeoutMs` of the accept, or `handshake_timeout`. */
export function minBytesStep(minBytes: number, timeoutMs: number): FirstBytesStep {
  return {
    name: 'slow_connection.min_bytes_in_first',
    maxBytes: minBytes,
    timeoutMs,
    decide: (ctx) => (ctx.end - ctx.start >= minBytes ? 'pass' : 'need-more'),
    timedOut: (ctx) => reject('handshake_timeout', 'handshake_timeout', `${ctx.end - ctx.start} of ${minBytes} first bytes within ${timeoutMs} ms`),
  };
}

/** Rejections are shared objects: a flood of junk allocates nothing per connection for them. */
function rejections(detector: string): Record<'invalid_protocol' | 'payload_too_small' | 'payload_too_large' | 'stray', Rejection> {
  return {
    invalid_protocol: reject('invalid_protocol', 'invalid_protocol', `not a valid ${detector} start`),
    payload_too_small: reject('payload_too_small', 'payload_too_small', `${detector}: first bytes shorter than the protocol needs`),
    payload_too_large: reject('payload_too_large', 'payload_too_large', `${detector}: first bytes longer than the protocol allows`),
    stray: reject('stray', null, `${detector}: traffic of a session that is not open here (dropped, not an offence)`),
  };
}

/** payload_inspection: the detector's verdict on the first bytes or the first datagram. */
export function inspectionStep(detector: DetectorChoice, timeoutMs: number | undefined): FirstBytesStep {
  const refused = rejections(detector.name);
  const decidedBy = detector.decidedBy;
  return {
    name: `payload_inspection (${detector.name})`,
    maxBytes: detector.maxBytes,
    timeoutMs,
    decide(ctx: FirstBytesContext): StepDecision {
      const verdict = detector.inspect(ctx.bytes, ctx.start, ctx.end, ctx.complete);
      if (verdict === 'pass' || verdict === 'need-more') return verdict;
      if (decidedBy !== undefined && verdict === 'invalid_protocol') return reject('invalid_protocol', 'invalid_protocol', `dropped by custom rule "${decidedBy()}"`);
      return refused[verdict];
    },
  };
}
