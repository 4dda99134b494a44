import { Type } from '@sinclair/typebox';
import { NullableTimestamp, Timestamp } from './common-schemas.js';

const Counts = (what: string) => Type.Record(Type.String(), Type.Integer(), { description: what });

export const BanView = Type.Object(
  {
    ip: Type.String({ description: 'The banned address, or network in CIDR form.' }),
    reason: Type.String(),
    source: Type.String({ description: 'The proxy whose L7 engine banned it, or `api`.' }),
    node: Type.Union([Type.String(), Type.Null()], { description: 'The cluster node that banned it (`cluster.node_id`); null without a cluster.' }),
    created_at: Timestamp,
    expires_at: Type.Union([Timestamp, Type.Null()], { description: 'When the ban lifts by itself; null: until unbanned.' }),
    expires_in_seconds: Type.Union([Type.Integer(), Type.Null()]),
  },
  { additionalProperties: false },
);

export const BanReply = Type.Object({ status: Type.Literal('banned'), ban: BanView }, { additionalProperties: false });
export const UnbanReply = Type.Object({ status: Type.Literal('unbanned'), ip: Type.String() }, { additionalProperties: false });

export const L7EventView = Type.Object(
  {
    id: Type.Integer({ description: 'Unique; in the order the events reached the supervisor (it breaks ties between events of the same millisecond).' }),
    time: Timestamp,
    proxy: Type.String(),
    ip: Type.String(),
    event_type: Type.String({ description: 'An L7 event (`invalid_protocol`, `handshake_timeout`, …) or `banned`.' }),
    score: Type.Integer({ description: 'Points the event added to the IP (0 when scoring is off).' }),
    action: Type.Union(['rejected', 'dropped', 'closed', 'ended', 'throttled', 'banned'].map((a) => Type.Literal(a))),
    reason: Type.String(),
    protocol: Type.Union([Type.Literal('tcp'), Type.Literal('udp')]),
  },
  { additionalProperties: false },
);

export const ProxyL7View = Type.Object(
  {
    name: Type.String(),
    enabled: Type.Boolean(),
    config: Type.Record(Type.String(), Type.Unknown(), { description: 'The `l7_protection` block in effect, with YAML keys and defaults filled in.' }),
    blocked_total: Type.Integer(),
    blocked: Counts('New connections, sessions and datagrams blocked since the supervisor started, per reason.'),
    events: Counts('Events recorded since the supervisor started, per type.'),
    bans_active: Type.Integer({ description: 'Bans on the list that this proxy issued.' }),
    last_event_at: NullableTimestamp,
  },
  { additionalProperties: false },
);
