import { inputChain } from '../../firewall/firewall-names.js';
import { portsText } from '../../firewall/port-groups.js';
import { describeRules } from '../../firewall/restore-batch.js';
import type { ProxyRuleInput } from '../../firewall/rule-builder.js';
import type { ApiContext } from '../api-context.js';
import { ApiError } from '../api-error.js';
import { problems } from '../proxy-body.js';
import { checkOffLoop, yamlMappingBody } from '../off-loop-check.js';
import { findProxy } from '../proxy-lookup.js';
import { param, type RouteRegistry } from '../route-registry.js';
import { ErrorBody, ProxyName } from '../schemas/common-schemas.js';
import { IptablesFlushReply, IptablesRulesReply, IptablesValidateReply, OrphanSweepReply, RateLimitsReply } from '../schemas/iptables-schemas.js';
import { Type } from '@sinclair/typebox';
import { droppedView, kernelStatusView, rateLimitsYaml } from '../views/iptables-view.js';

const NAME = { name: { description: 'Proxy name.', schema: ProxyName } };
const NOT_FOUND = { description: 'No such proxy.', schema: ErrorBody };
const NOT_ACTIVE = { description: 'RouteX manages no kernel rules: iptables.enabled is false (ERR_IPTABLES_DISABLED) or iptables cannot be used here (ERR_IPTABLES_UNAVAILABLE; the message says why).', schema: ErrorBody };
/** Whose protocol, addresses and ports a validated block is built for when `?proxy=` is absent. */
const EXAMPLE: Omit<ProxyRuleInput, 'rateLimits'> = { name: 'example', protocol: 'tcp-udp', originIps: ['0.0.0.0'], originPorts: [25565] };

/** 409 unless RouteX manages kernel rules now. */
function requireActive(ctx: ApiContext): void {
  const reason = ctx.firewall.unavailableReason;
  if (reason === null) return;
  if (!ctx.global().iptables.enabled) throw new ApiError('ERR_IPTABLES_DISABLED');
  throw new ApiError('ERR_IPTABLES_UNAVAILABLE', `RouteX manages no kernel rules: ${reason}`);
}

/** The proxy whose protocol, addresses and ports a validated rate_limits block is built for. */
function validationTarget(ctx: ApiContext, name: unknown): Omit<ProxyRuleInput, 'rateLimits'> {
  if (name === undefined) return EXAMPLE;
  const config = findProxy(ctx, String(name)).config;
  if (config === null) throw new ApiError('ERR_PROXY_NOT_RUNNABLE', `proxy "${String(name)}" has no valid config to build rules for`);
  return config;
}

export function iptablesRoutes(routes: RouteRegistry, ctx: ApiContext): void {
  routes.add({
    method: 'get',
    path: '/api/iptables/rules',
    scope: '*',
    tag: 'iptables',
    summary: 'RouteX\'s kernel rules per proxy, read from the kernel with their packet and byte counters',
    responses: { 200: { description: 'Also when iptables is off or unusable: `active` and `reason` say so.', schema: IptablesRulesReply } },
    handler: async (_req, res) => {
      const firewall = ctx.firewall;
      const inKernel = await firewall.kernelRules();
      const known = ctx.knownProxyNames().sort();
      const sizes = await firewall.banSetSizes();
      res.json({
        enabled: ctx.global().iptables.enabled,
        active: firewall.unavailableReason === null,
        reason: firewall.unavailableReason,
        input_chain: inputChain(firewall.naming),
        families: firewall.familiesManaged.map((f) => `ipv${f}`),
        bans: { active: firewall.bansUnavailableReason === null, reason: firewall.bansUnavailableReason, entries: Object.fromEntries([...sizes].map(([f, n]) => [`ipv${f}`, n])) },
        proxies: known.map((name) => ({ name, iptables: kernelStatusView(firewall, name), rules: inKernel.get(name) ?? [] })),
        orphans: [...inKernel].filter(([name]) => !known.includes(name)).map(([name, rules]) => ({ name, rules })),
      });
    },
  });

  routes.add({
    method: 'post',
    path: '/api/iptables/validate',
    scope: '*',
    tag: 'iptables',
    summary: 'Checks a rate_limits block and shows the rules it would make, without installing anything',
    description: 'The body is a rate_limits block (JSON, or YAML). The rules are built for the proxy named by `?proxy=` (its protocol, addresses and ports), or for an example tcp-udp proxy on 0.0.0.0:25565.',
    query: { proxy: { description: 'Build the rules for this proxy.', schema: ProxyName } },
    body: { description: 'A rate_limits block.', contentTypes: ['application/json', 'application/yaml'], schema: Type.Object({}, { additionalProperties: true }) },
    responses: {
      200: { description: 'The verdict, and the rules when valid.', schema: IptablesValidateReply },
      400: { description: 'The body is not an object.', schema: ErrorBody },
      404: NOT_FOUND,
      409: { description: 'The proxy named by ?proxy= has never had a valid config (ERR_PROXY_NOT_RUNNABLE).', schema: ErrorBody },
    },
    handler: async (req, res) => {
      const block: unknown = typeof req.body === 'string' ? await yamlMappingBody(ctx, req.body) : req.body;
      if (typeof block !== 'object' || block === null || Array.isArray(block)) throw new ApiError('ERR_BODY_NOT_OBJECT', 'the body must be a rate_limits block: an object of its fields');
      const target = validationTarget(ctx, req.query['proxy']);
      const document = { name: target.name, 'origin-ip': target.originIps.join(','), 'origin-port': portsText(target.originPorts), 'dest-ip': '127.0.0.1', 'dest-port': 1, protocol: target.protocol, rate_limits: block };
      const parsed = await checkOffLoop(ctx, { kind: 'proxy-value', value: document, file: '<api>', global: ctx.global() });
      const reply = { valid: parsed.config !== undefined, errors: problems(parsed.issues), warnings: problems(parsed.warnings), proxy: target.name, rules: { ipv4: [] as string[], ipv6: [] as string[], nftables: [] as string[] }, installable: false, reason: null as string | null };
      if (parsed.config !== undefined) {
        const { plan, problem } = ctx.firewall.preview(parsed.config);
        for (const [family, set] of plan.sets) if (set !== null) reply.rules[family === 4 ? 'ipv4' : 'ipv6'] = describeRules(set);
        reply.rules.nftables = plan.fragments;
        reply.installable = problem === null;
        reply.reason = problem;
      }
      res.json(reply);
    },
  });

  routes.add({
    method: 'post',
    path: '/api/iptables/flush/:name',
    scope: '*',
    tag: 'iptables',
    summary: 'Removes a proxy\'s kernel rules and creates them again from its config',
    description: 'For a proxy that is not running, its rules are removed and nothing is created.',
    params: NAME,
    responses: { 200: { description: 'Done; the proxy\'s kernel status after it.', schema: IptablesFlushReply }, 404: NOT_FOUND, 409: NOT_ACTIVE },
    handler: async (req, res) => {
      const name = param(req, 'name');
      findProxy(ctx, name);
      requireActive(ctx);
      await ctx.firewall.flush(name, ctx.firewallProxies().find((p) => p.name === name));
      res.json({ status: 'flushed', name, iptables: kernelStatusView(ctx.firewall, name) });
    },
  });

  routes.add({
    method: 'post',
    path: '/api/iptables/orphan-sweep',
    scope: '*',
    tag: 'iptables',
    summary: 'Removes every RouteX rule of a proxy that no longer exists',
    responses: { 200: { description: 'What was removed, per proxy name found in the rule comments.', schema: OrphanSweepReply }, 409: NOT_ACTIVE },
    handler: async (_req, res) => {
      requireActive(ctx);
      const removed = await ctx.firewall.orphanSweep(ctx.knownProxyNames());
      res.json({ status: 'swept', removed: removed.map((r) => ({ name: r.proxy, rules: r.rules })) });
    },
  });

  routes.add({
    method: 'get',
    path: '/api/proxies/:name/ratelimits',
    scope: '*',
    tag: 'iptables',
    summary: 'A proxy\'s rate_limits, its kernel rules with their counters, and what they dropped',
    params: NAME,
    responses: { 200: { description: 'The proxy\'s rate limits.', schema: RateLimitsReply }, 404: NOT_FOUND },
    handler: async (req, res) => {
      const controller = findProxy(ctx, param(req, 'name'));
      const name = controller.name!;
      const rules = (await ctx.firewall.kernelRules()).get(name) ?? [];
      res.json({ name, rate_limits: controller.config === null ? {} : rateLimitsYaml(controller.config.rateLimits), iptables: kernelStatusView(ctx.firewall, name), dropped: droppedView(name, rules), rules });
    },
  });
}
