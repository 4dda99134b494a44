// The events of `GET /api/events/stream`: the `data:` JSON of each `event:` name.
import { Type } from '@sinclair/typebox';
import { ConfigProblem, Timestamp } from './common-schemas.js';
import { ProxyState } from './proxy-schemas.js';

const Int = Type.Integer;
const Values = Type.Record(Type.String(), Type.Number(), { description: 'Values keyed by the counter table\'s names (shared/counters/counter-table.ts), as in `/metrics?format=json`.' });
const Strict = { additionalProperties: false } as const;

const ProxySnapshot = Type.Object(
  {
    name: Type.String(),
    state: ProxyState,
    pid: Type.Union([Int(), Type.Null()]),
    restarts: Int(),
    values: Values,
    per_second: Type.Record(Type.String(), Type.Number(), { description: 'Change per second of each counter-kind value since the previous snapshot (0 in the first).' }),
    upstreams: Type.Array(Type.Object({ upstream: Type.String(), values: Values }, Strict)),
    iptables: Type.Array(
      Type.Object(
        {
          kind: Type.String({ description: 'The rule kind as a metric label (syn_rate, conn_per_ip, ...).' }),
          values: Values,
          per_second: Type.Record(Type.String(), Type.Number(), { description: 'Change per second of each value since the previous snapshot.' }),
        },
        Strict,
      ),
      { description: 'What the kernel dropped for the proxy per rule kind since the supervisor started (the routex_iptables_dropped_* metrics), read from the rules\' counters once per snapshot; empty without kernel rules.' },
    ),
  },
  Strict,
);

export const STREAM_EVENTS = {
  hello: Type.Object(
    { key: Type.String({ description: 'The label of the key the stream runs under.' }), permissions: Type.Array(Type.String()), interval_ms: Int() },
    { ...Strict, description: 'First event of every stream.' },
  ),
  counters: Type.Object(
    {
      at: Timestamp,
      interval_ms: Int(),
      supervisor: Values,
      totals: Type.Object({ values: Values, per_second: Values }, Strict),
      proxies: Type.Array(ProxySnapshot, { description: 'Every proxy with a valid config, by name.' }),
    },
    { ...Strict, description: 'Every proxy\'s counters and rates: right after `hello`, then once per interval.' },
  ),
  'proxy.state': Type.Object(
    { proxy: Type.String(), state: ProxyState, previous: ProxyState, pid: Type.Union([Int(), Type.Null()]), restarts: Int() },
    { ...Strict, description: 'A proxy changed state (a worker started, stopped, failed, crashed).' },
  ),
  'worker.crashed': Type.Object(
    {
      proxy: Type.String(),
      pid: Type.Union([Int(), Type.Null()]),
      code: Type.Union([Int(), Type.Null()]),
      signal: Type.Union([Type.String(), Type.Null()]),
      restarts: Int({ description: 'Restarts of this proxy so far, this one included.' }),
      restart_in_ms: Int({ description: 'When the supervisor starts the next worker.' }),
    },
    { ...Strict, description: 'A worker died unexpectedly; a restart is scheduled.' },
  ),
  'upstream.health': Type.Object(
    { proxy: Type.String(), upstream: Type.String({ description: 'ip:port, [v6]:port for IPv6.' }), healthy: Type.Boolean() },
    { ...Strict, description: 'An upstream became healthy or unhealthy (probes or a manual eject/readmit).' },
  ),
  'config.rejected': Type.Object(
    { proxy: Type.String(), file: Type.String(), errors: Type.Array(ConfigProblem) },
    { ...Strict, description: 'A proxy file failed validation at a reload; the proxy keeps its last good config.' },
  ),
  'proxy.suspended': Type.Object(
    { proxy: Type.String(), suspended: Type.Boolean(), reason: Type.Union([Type.String(), Type.Null()]) },
    { ...Strict, description: 'The bandwidth quota suspended or resumed the proxy.' },
  ),
  'ban.added': Type.Object(
    {
      ip: Type.String({ description: 'The banned address, or network in CIDR form.' }),
      reason: Type.String(),
      source: Type.String({ description: 'The proxy whose L7 engine banned it, or `api`.' }),
      node: Type.Union([Type.String(), Type.Null()], { description: 'The cluster node that banned it (`cluster.node_id`); null without a cluster.' }),
      expires_at: Type.Union([Timestamp, Type.Null()]),
    },
    { ...Strict, description: 'An address or network was banned in every proxy (its connections are being closed).' },
  ),
  'ban.removed': Type.Object(
    { ip: Type.String(), cause: Type.Union([Type.Literal('unbanned'), Type.Literal('expired')]) },
    { ...Strict, description: 'A ban was lifted (through the API) or expired.' },
  ),
  revoked: Type.Object(
    { code: Type.String(), message: Type.String() },
    { ...Strict, description: 'The key is no longer valid (removed or its permissions changed by a config reload): the stream ends.' },
  ),
};
