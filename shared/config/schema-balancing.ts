// load_balancing: how an upstream is picked and how upstreams are checked. The same block serves
// the proxy's own destination and each of its routes.
import { Block, Choice, Duration, Flag, Whole } from './schema-common.js';
import { Type } from '@sinclair/typebox';

export const ALGORITHMS = ['round-robin', 'least-conn', 'ip-hash', 'weighted', 'random'] as const;

const HealthCheckSchema = Block(
  {
    interval: Duration('How often each upstream is probed (TCP connect); absent = defaults.health_check_interval.'),
    timeout: Duration('How long one probe may take, less than interval; absent = defaults.health_check_timeout.'),
    failures_before_eject: Whole('Consecutive failed probes that mark an upstream unhealthy; absent = the global default.', undefined, { minimum: 1 }),
    passes_before_readmit: Whole('Consecutive passed probes that readmit an upstream; absent = the global default.', undefined, { minimum: 1 }),
  },
  'Active health checks; each absent field inherits from defaults in global.yaml.',
);

export const LoadBalancingSchema = Block(
  {
    algorithm: Type.Optional(Choice(ALGORITHMS, 'How an upstream is picked: round-robin, least-conn, ip-hash, weighted or random.', 'round-robin')),
    sticky_sessions: Flag('Sends every connection of a client IP to the upstream it got first, for sticky_ttl.', false),
    sticky_ttl: Duration('How long a sticky mapping is remembered after its last use; a bare number is seconds.', 3600),
    upstream_weights: Type.Optional(
      Type.Record(Type.String(), Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Relative weight, 1 or more.' }), {
        default: {},
        description: 'Weights for the weighted algorithm, keyed by a dest IP ("10.0.0.1") or one upstream ("10.0.0.1:35565", "[::1]:35565"); unlisted upstreams weigh 1.',
      }),
    ),
    health_check: HealthCheckSchema,
  },
  'Load balancing across the upstreams.',
);
