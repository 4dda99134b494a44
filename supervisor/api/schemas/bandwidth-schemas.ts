import { Type } from '@sinclair/typebox';

const Int = Type.Integer;
const ZonedTime = Type.String({ format: 'date-time', description: 'ISO 8601 in the configured time zone, with its offset.' });

const PeriodView = Type.Object(
  {
    start: ZonedTime,
    end: ZonedTime,
    used_bytes: Int({ description: 'Inbound + outbound bytes in this period.' }),
    inbound_bytes: Int(),
    outbound_bytes: Int(),
    limit_bytes: Int({ description: '0 = unlimited.' }),
    percent: Type.Number({ description: 'used / limit × 100, 2 decimals; 0 without a limit.' }),
    exceeded: Type.Boolean(),
  },
  { additionalProperties: false },
);

const ByPeriod = <T extends ReturnType<typeof Type.Object> | ReturnType<typeof Int>>(schema: T) =>
  Type.Object({ hourly: schema, daily: schema, weekly: schema, monthly: schema }, { additionalProperties: false });

export const BandwidthReply = Type.Object(
  {
    name: Type.String(),
    timezone: Type.String({ description: 'The IANA zone the periods are computed in (global `timezone`).' }),
    enabled: Type.Boolean({ description: '`bandwidth.enabled`: limits apply. Usage is tracked either way.' }),
    suspend_on_limit: Type.Boolean(),
    scope: Type.Union([Type.Literal('node'), Type.Literal('cluster')], {
      description: '`bandwidth.scope`: `cluster` means the `*_used` and `periods` figures are every node\'s (the last reading from Redis plus this node\'s unsent bytes); `inbound_bytes`/`outbound_bytes` stay this node\'s.',
    }),
    nodes: Type.Union([Type.Record(Type.String(), ByPeriod(Int())), Type.Null()], { description: 'Scope cluster: bytes (in + out) per node in each current period; null for scope node.' }),
    inbound_bytes: Int({ description: 'Bytes from clients over the usage kept (the last 32 days).' }),
    outbound_bytes: Int({ description: 'Bytes to clients over the usage kept (the last 32 days).' }),
    total_bytes: Int(),
    hourly_used: Int(),
    daily_used: Int(),
    weekly_used: Int(),
    monthly_used: Int(),
    hourly_percent: Type.Number(),
    daily_percent: Type.Number(),
    weekly_percent: Type.Number(),
    monthly_percent: Type.Number(),
    limits: ByPeriod(Int({ description: 'Bytes; 0 = unlimited.' })),
    periods: ByPeriod(PeriodView),
    suspended: Type.Boolean(),
    suspended_reason: Type.Union([Type.String(), Type.Null()]),
    suspended_until: Type.Union([ZonedTime, Type.Null()]),
  },
  { additionalProperties: false },
);

export const BandwidthResetReply = Type.Object(
  {
    status: Type.Literal('reset'),
    name: Type.String(),
    erased_from: Type.String({ format: 'date-time', description: 'Usage from here on was erased: the earlier of this week\'s Monday and this month\'s 1st.' }),
    bandwidth: BandwidthReply,
  },
  { additionalProperties: false },
);
