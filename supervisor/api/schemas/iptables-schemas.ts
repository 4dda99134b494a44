import { Type } from '@sinclair/typebox';
import { ConfigProblem, NullableTimestamp } from './common-schemas.js';
import { RULE_KINDS } from '../../firewall/rule-kinds.js';

const Int = Type.Integer;
const Reason = Type.Union([Type.String(), Type.Null()], { description: 'Why not, in one line; null when all is well.' });

export const KernelRuleView = Type.Object(
  {
    backend: Type.Union([Type.Literal('ipv4'), Type.Literal('ipv6'), Type.Literal('nftables')], { description: 'iptables, ip6tables, or nftables (drop_fragmented_packets).' }),
    chain: Type.String(),
    kind: Type.Union([...RULE_KINDS, 'Jump'].map((k) => Type.Literal(k)), { description: 'What the rule is for; Jump sends the proxy\'s packets into its chain.' }),
    comment: Type.String({ description: '<comment_prefix>-<proxy>-<kind>-<ports>' }),
    rule: Type.String({ description: 'The rule as iptables-save prints it (nftables: its handle).' }),
    packets: Int({ description: 'Packets the kernel matched (for DROP rules: dropped).' }),
    bytes: Int(),
  },
  { additionalProperties: false },
);

export const ProxyKernelStatus = Type.Object(
  {
    state: Type.Union(['installed', 'none', 'disabled', 'unavailable', 'failed'].map((s) => Type.Literal(s)), {
      description: 'installed: rules in the kernel; none: the config asks for none; disabled: iptables.enabled is false; unavailable: iptables cannot be used on this host; failed: these rules could not be installed. In every state but installed the proxy runs without kernel rules.',
    }),
    reason: Reason,
    chain: Type.String({ description: 'The proxy\'s own chain.' }),
    rules_installed: Int({ description: 'Rules RouteX installed for it (chain rules, jumps, fragment rules).' }),
    updated_at: NullableTimestamp,
  },
  { additionalProperties: false },
);

const ProxyRulesView = Type.Object(
  {
    name: Type.String(),
    iptables: ProxyKernelStatus,
    rules: Type.Array(KernelRuleView, { description: 'Read from the kernel now, counters included.' }),
  },
  { additionalProperties: false },
);

export const IptablesRulesReply = Type.Object(
  {
    enabled: Type.Boolean({ description: '`iptables.enabled` in global.yaml.' }),
    active: Type.Boolean({ description: 'RouteX manages kernel rules now.' }),
    reason: Reason,
    input_chain: Type.String({ description: 'Jumped to from the top of INPUT; `iptables -S <input_chain>` lists it.' }),
    families: Type.Array(Type.Union([Type.Literal('ipv4'), Type.Literal('ipv6')])),
    bans: Type.Object(
      {
        active: Type.Boolean({ description: 'Banned addresses are dropped by the kernel too.' }),
        reason: Reason,
        entries: Type.Record(Type.String(), Int(), { description: 'Entries in the ban set per family, as the kernel holds them.' }),
      },
      { additionalProperties: false },
    ),
    proxies: Type.Array(ProxyRulesView, { description: 'Every proxy, sorted by name.' }),
    orphans: Type.Array(Type.Object({ name: Type.String(), rules: Type.Array(KernelRuleView) }, { additionalProperties: false }), {
      description: 'Rules of proxies that no longer exist; POST /api/iptables/orphan-sweep removes them.',
    }),
  },
  { additionalProperties: false },
);

export const IptablesValidateReply = Type.Object(
  {
    valid: Type.Boolean(),
    errors: Type.Array(ConfigProblem),
    warnings: Type.Array(ConfigProblem),
    proxy: Type.String({ description: 'The proxy whose protocol, addresses and ports the rules were built for.' }),
    rules: Type.Object(
      {
        ipv4: Type.Array(Type.String()),
        ipv6: Type.Array(Type.String()),
        nftables: Type.Array(Type.String()),
      },
      { additionalProperties: false, description: 'The rules it would make, as iptables -S / nft would list them.' },
    ),
    installable: Type.Boolean({ description: 'This host can install them now.' }),
    reason: Reason,
  },
  { additionalProperties: false },
);

export const IptablesFlushReply = Type.Object(
  { status: Type.Literal('flushed'), name: Type.String(), iptables: ProxyKernelStatus },
  { additionalProperties: false },
);

export const OrphanSweepReply = Type.Object(
  {
    status: Type.Literal('swept'),
    removed: Type.Array(Type.Object({ name: Type.String(), rules: Int() }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

export const RateLimitsReply = Type.Object(
  {
    name: Type.String(),
    rate_limits: Type.Record(Type.String(), Type.Union([Type.Integer(), Type.Boolean()]), { description: 'The rate_limits block as configured (every field, defaults included).' }),
    iptables: ProxyKernelStatus,
    dropped: Type.Object(
      {
        packets: Int(),
        bytes: Int(),
        by_kind: Type.Record(Type.String(), Type.Object({ packets: Int(), bytes: Int() }, { additionalProperties: false }), { description: 'Keyed by rule kind as a metric label (syn_rate, conn_per_ip, ...).' }),
      },
      { additionalProperties: false, description: 'What the kernel dropped for this proxy since its rules were installed.' },
    ),
    rules: Type.Array(KernelRuleView),
  },
  { additionalProperties: false },
);
