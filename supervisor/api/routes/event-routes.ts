import { Type } from '@sinclair/typebox';
import type { ApiContext } from '../api-context.js';
import { CounterSampler } from '../../events/counter-sampler.js';
import { EventStream } from '../event-stream.js';
import type { KeyEntry } from '../auth.js';
import type { RouteRegistry } from '../route-registry.js';
import { STREAM_EVENTS } from '../schemas/event-schemas.js';

/** `GET /api/events/stream`: live counters and state changes as Server-Sent Events. */
export function eventRoutes(routes: RouteRegistry, ctx: ApiContext): void {
  // The kernel's drop counters are read once per snapshot, only while a stream is open.
  const sampler = new CounterSampler(() => ctx.metrics.model(), () => ctx.fleet.list(), 1000, () => ctx.metrics.refreshKernel());
  routes.add({
    method: 'get',
    path: '/api/events/stream',
    scope: 'proxies:read',
    tag: 'events',
    summary: 'Live updates as Server-Sent Events: counter snapshots every second and state changes as they happen',
    description: [
      'A `text/event-stream` that stays open. Events: `hello` first, `counters` right after it and then every second (every proxy\'s metric values',
      'and per-second rates, and what the kernel dropped per rule kind), and as they happen `proxy.state`, `worker.crashed`, `upstream.health`, `config.rejected`, `proxy.suspended`, `ban.added`, `ban.removed`.',
      'The key is checked again every second: when a config reload removes it (or its permission), a `revoked` event ends the stream.',
      'Send the key as a header (browsers: read the stream with `fetch`, since `EventSource` cannot send headers).',
      'The `data:` schema of each event is in `x-events`.',
    ].join(' '),
    responses: {
      200: { description: 'The stream.', contentType: 'text/event-stream', schema: Type.String(), events: STREAM_EVENTS },
    },
    handler: (req, res) => {
      const stream = new EventStream(req, res, { events: ctx.events, sampler, keyring: ctx.keyring, requirement: 'proxies:read' });
      stream.open(res.locals.apiKey as KeyEntry);
    },
  });
}
