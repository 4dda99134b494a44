import { Type } from '@sinclair/typebox';
import { ConfigProblem, NullableTimestamp } from './common-schemas.js';
import { counterProperties } from './counter-schemas.js';
import { ERROR_CODES } from '../../../shared/errors/error-codes.js';
import { PROXY_STATES } from '../../workers/proxy-state.js';

const Listener = Type.Object(
  {
    ip: Type.String(),
    port: Type.Integer(),
    protocol: Type.Union([Type.Literal('tcp'), Type.Literal('udp')]),
    state: Type.Union(['serving', 'queueing', 'forwarding', 'failed', 'closed'].map((s) => Type.Literal(s)), {
      description: 'serving (a worker accepts), queueing (the supervisor holds the socket while no worker serves it — a restart or a crash backoff: TCP connections wait in the backlog, datagrams in the receive buffer), forwarding (data_path: kernel: nftables forwards the packets; no socket is bound), failed (could not be bound or listened on; see error), closed (the proxy is stopped).',
    }),
    error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }, { additionalProperties: false }), Type.Null()]),
  },
  { additionalProperties: false },
);

export const ProxyState = Type.Union(
  PROXY_STATES.map((s) => Type.Literal(s)),
  { description: 'starting, running, backoff (restart scheduled after a crash), failed (start failed, retrying), stopping, stopped, disabled (enabled: false) or invalid (the file has errors and nothing runs).' },
);

export const ProxySummary = Type.Object(
  {
    name: Type.String(),
    description: Type.String(),
    tags: Type.Array(Type.String(), { description: '`metadata.tags` of the file, for filtering.' }),
    l7_enabled: Type.Boolean({ description: '`l7_protection.enabled` of the config the proxy runs.' }),
    enabled: Type.Boolean(),
    state: ProxyState,
    pid: Type.Union([Type.Integer(), Type.Null()]),
    config_path: Type.String({ description: 'Absolute path of the YAML file.' }),
    protocol: Type.Union([Type.String(), Type.Null()]),
    data_path: Type.Union([Type.Literal('userspace'), Type.Literal('kernel'), Type.Null()], { description: '`data_path` of the config the proxy runs: who carries its packets (the worker, or nftables).' }),
    origin_ports: Type.Array(Type.Integer()),
    listeners: Type.Array(Listener, { description: 'Every listener of the config, with what a client meets there now.' }),
    restarts: Type.Integer({ description: 'Worker restarts since the supervisor started.' }),
    next_restart_at: Type.Union([Type.String(), Type.Null()], { description: 'In backoff or failed: when the next start attempt is due (the listeners queue meanwhile).' }),
    started_at: NullableTimestamp,
    last_error: Type.Union(
      [
        Type.Object(
          {
            code: Type.Union(Object.keys(ERROR_CODES).map((code) => Type.Literal(code)), { description: 'A code from the error registry (README, Error codes), e.g. ERR_LISTEN_ADDRESS_IN_USE.' }),
            message: Type.String(),
            at: Type.String({ format: 'date-time' }),
          },
          { additionalProperties: false },
        ),
        Type.Null(),
      ],
      { description: 'What last went wrong with the worker (a failed start, a crash); null until something did.' },
    ),
    config_errors: Type.Array(ConfigProblem, { description: 'Problems in the file on disk; a running proxy keeps its last good config meanwhile.' }),
    ...counterProperties('proxy'),
    suspended_reason: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);

export const ProxyConfigView = Type.Object(
  {
    name: Type.String(),
    config_path: Type.String(),
    config: Type.Unknown({ description: 'The file as JSON, YAML keys unchanged (what the operator wrote).' }),
    resolved: Type.Unknown({ description: 'The resolved config the worker runs (defaults merged, durations in ms).' }),
    yaml: Type.String({ description: 'The file\'s text, comments included.' }),
  },
  { additionalProperties: false },
);

export const ValidationReport = Type.Object(
  {
    valid: Type.Boolean(),
    errors: Type.Array(ConfigProblem),
    warnings: Type.Array(ConfigProblem),
  },
  { additionalProperties: false },
);

export const ReloadReport = Type.Object(
  {
    status: Type.Literal('reloaded'),
    started: Type.Array(Type.String()),
    reconfigured: Type.Array(Type.String()),
    restarted: Type.Array(Type.String()),
    stopped: Type.Array(Type.String()),
    unchanged: Type.Array(Type.String()),
    failed: Type.Array(Type.Object({ file: Type.String(), errors: Type.Array(ConfigProblem) }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

export const ConnectionView = Type.Object(
  {
    id: Type.Integer(),
    protocol: Type.Union([Type.Literal('tcp'), Type.Literal('udp')]),
    src_ip: Type.String(),
    src_port: Type.Integer(),
    listener_port: Type.Integer(),
    upstream: Type.String({ description: 'Upstream IP.' }),
    upstream_port: Type.Integer(),
    bytes_in: Type.Integer(),
    bytes_out: Type.Integer(),
    started_at: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

export const UpstreamView = Type.Object(
  {
    route: Type.String({ description: 'The route whose pool holds the upstream; "default" is the proxy\'s own dest-ip/dest-port. An ip:port listed in two routes appears once per route.' }),
    ip: Type.String(),
    port: Type.Integer(),
    weight: Type.Integer(),
    healthy: Type.Boolean({ description: 'What the balancer uses: probes pass and no manual eject holds.' }),
    probe_healthy: Type.Boolean(),
    manual_state: Type.Union([Type.Literal('ejected'), Type.Null()]),
    active_connections: Type.Integer(),
    total_connections: Type.Integer(),
    consecutive_failures: Type.Integer(),
    consecutive_passes: Type.Integer(),
    last_probe_at: NullableTimestamp,
    last_probe_latency_ms: Type.Union([Type.Number(), Type.Null()]),
    last_probe_error: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);
