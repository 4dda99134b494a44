import assert from 'node:assert/strict';
import { ADMIN_KEY, type SupervisorProcess } from './supervisor-process.js';
import { proxyYaml } from './proxy-yaml.js';
import { metricsFixtures } from './metrics-contract-fixtures.js';

export interface FixtureWorld {
  sup: SupervisorProcess;
  backendPort: number;
  freePort: () => Promise<number>;
}

/**
 * One real request per documented operation, run against a supervisor that has a running proxy
 * `alpha` (with one open client connection) and a disabled proxy `beta`. `order` sequences the
 * ones that change state; reads come first.
 */
export interface Fixture {
  operation: string;
  method: string;
  order: number;
  expect: number;
  path: () => Promise<string>;
  request?: () => Promise<{ body?: unknown; rawBody?: string; contentType?: string }>;
  check?: (body: any) => void | Promise<void>;
}

function read(operation: string, path: string, check?: Fixture['check']): Fixture {
  const [method] = operation.split(' ');
  return { operation, method: method!, order: 0, expect: 200, path: async () => path, check };
}

export async function contractFixtures({ sup, backendPort, freePort }: FixtureWorld): Promise<Fixture[]> {
  const gammaPort = await freePort();
  const gamma = (origin: number) => ({ name: 'gamma', 'origin-ip': '127.0.0.1', 'origin-port': String(origin), 'dest-ip': '127.0.0.1', 'dest-port': String(backendPort), protocol: 'tcp' });
  const firstConnectionId = async (): Promise<string> => {
    const list = (await sup.api('GET', '/api/proxies/alpha/connections', { key: ADMIN_KEY })).body as { id: number }[];
    return String(list[0]?.id ?? 1);
  };
  return [
    read('GET /api/health', '/api/health'),
    read('GET /api/version', '/api/version'),
    read('GET /api/openapi.json', '/api/openapi.json'),
    read('GET /api/system', '/api/system', (b) => assert.ok(b.workers.some((w: any) => w.proxy === 'alpha' && w.pid > 0))),
    read('GET /api/overview', '/api/overview', (b) => assert.equal(b.totals.proxies, 2)),
    read('GET /api/stats', '/api/stats', (b) => assert.equal(b.proxies_running, 1)),
    read('GET /api/stats/proxy/{name}', '/api/stats/proxy/alpha', (b) => assert.equal(b.upstreams_total, 1)),
    read('GET /api/whoami', '/api/whoami', (b) => assert.deepEqual(b, { label: 'admin', permissions: ['*'] })),
    // Read as a stream by the contract test: every event's data is checked against x-events.
    read('GET /api/events/stream', '/api/events/stream', (events: { event: string; data: any }[]) => {
      assert.ok(events.some((e) => e.event === 'counters' && e.data.proxies.some((p: any) => p.name === 'alpha' && p.values.active_connections === 1)));
    }),
    read('GET /api/keys', '/api/keys', (b) => assert.ok(b.every((k: any) => !k.masked_key.includes('0123456789')))),
    read('GET /api/proxies', '/api/proxies', (b) => assert.deepEqual(b.map((p: any) => p.name), ['alpha', 'beta'])),
    read('GET /api/proxies/{name}', '/api/proxies/alpha', (b) => assert.equal(b.state, 'running')),
    read('GET /api/proxies/{name}/config', '/api/proxies/beta/config', (b) => assert.equal(b.config.enabled, false)),
    read('GET /api/proxies/{name}/upstreams', '/api/proxies/alpha/upstreams', (b) => assert.equal(b[0].port, backendPort)),
    read('GET /api/proxies/{name}/connections', '/api/proxies/alpha/connections', (b) => assert.equal(b.length, 1)),
    {
      operation: 'POST /api/proxies/validate',
      method: 'POST',
      order: 1,
      expect: 200,
      path: async () => '/api/proxies/validate',
      request: async () => ({ rawBody: proxyYaml({ name: 'delta', originPorts: [await freePort()], destPorts: [1] }), contentType: 'application/yaml' }),
      check: (b) => assert.equal(b.valid, true),
    },
    { operation: 'POST /api/proxies/{name}/upstreams/{upstream}/eject', method: 'POST', order: 2, expect: 200, path: async () => '/api/proxies/alpha/upstreams/127.0.0.1/eject' },
    { operation: 'POST /api/proxies/{name}/upstreams/{upstream}/readmit', method: 'POST', order: 3, expect: 200, path: async () => `/api/proxies/alpha/upstreams/127.0.0.1:${backendPort}/readmit` },
    {
      operation: 'DELETE /api/proxies/{name}/connections/{id}',
      method: 'DELETE',
      order: 4,
      expect: 200,
      path: async () => `/api/proxies/alpha/connections/${await firstConnectionId()}`,
    },
    { operation: 'POST /api/proxies/{name}/reload', method: 'POST', order: 5, expect: 200, path: async () => '/api/proxies/alpha/reload', check: (b) => assert.equal(b.status, 'unchanged') },
    { operation: 'POST /api/proxies/{name}/restart', method: 'POST', order: 6, expect: 200, path: async () => '/api/proxies/alpha/restart' },
    { operation: 'POST /api/proxies/{name}/enable', method: 'POST', order: 7, expect: 200, path: async () => '/api/proxies/beta/enable', check: (b) => assert.equal(b.proxy.state, 'running') },
    { operation: 'POST /api/proxies/{name}/disable', method: 'POST', order: 8, expect: 200, path: async () => '/api/proxies/beta/disable' },
    { operation: 'POST /api/proxies', method: 'POST', order: 9, expect: 201, path: async () => '/api/proxies', request: async () => ({ body: gamma(gammaPort) }) },
    { operation: 'PUT /api/proxies/{name}', method: 'PUT', order: 10, expect: 200, path: async () => '/api/proxies/gamma', request: async () => ({ body: { ...gamma(gammaPort), description: 'updated' } }) },
    { operation: 'POST /api/reload', method: 'POST', order: 11, expect: 200, path: async () => '/api/reload' },
    { operation: 'DELETE /api/proxies/{name}', method: 'DELETE', order: 12, expect: 200, path: async () => '/api/proxies/gamma' },
    ...metricsFixtures(),
    ...aclFixtures(),
    ...l7Fixtures(),
    ...iptablesFixtures(),
  ];
}

/** The ban list and the L7 views, with a ban on a TEST-NET address no test client uses. */
function l7Fixtures(): Fixture[] {
  return [
    read('GET /api/proxies/{name}/l7', '/api/proxies/alpha/l7', (b) => assert.equal(b.enabled, false)),
    read('GET /api/l7/events', '/api/l7/events?limit=5', (b) => assert.ok(Array.isArray(b))),
    { operation: 'POST /api/l7/banned/{ip}', method: 'POST', order: 30, expect: 200, path: async () => '/api/l7/banned/192.0.2.77?duration=10m', check: (b) => assert.equal(b.ban.ip, '192.0.2.77') },
    { operation: 'GET /api/l7/banned', method: 'GET', order: 31, expect: 200, path: async () => '/api/l7/banned', check: (b) => assert.equal(b[0].ip, '192.0.2.77') },
    { operation: 'DELETE /api/l7/banned/{ip}', method: 'DELETE', order: 32, expect: 200, path: async () => '/api/l7/banned/192.0.2.77' },
  ];
}

/** iptables is off in the contract world: reads answer, kernel changes are refused with 409. */
function iptablesFixtures(): Fixture[] {
  return [
    read('GET /api/iptables/rules', '/api/iptables/rules', (b) => assert.deepEqual([b.enabled, b.active, b.proxies.length], [false, false, 2])),
    read('GET /api/proxies/{name}/ratelimits', '/api/proxies/alpha/ratelimits', (b) => assert.equal(b.iptables.state, 'disabled')),
    {
      operation: 'POST /api/iptables/validate',
      method: 'POST',
      order: 1,
      expect: 200,
      path: async () => '/api/iptables/validate?proxy=alpha',
      request: async () => ({ body: { tcp_syn_rate_per_ip: 10 } }),
      check: (b) => assert.match(b.rules.ipv4[0], /--syn -m hashlimit --hashlimit-above 10\/sec/),
    },
    { operation: 'POST /api/iptables/flush/{name}', method: 'POST', order: 1, expect: 409, path: async () => '/api/iptables/flush/alpha' },
    { operation: 'POST /api/iptables/orphan-sweep', method: 'POST', order: 1, expect: 409, path: async () => '/api/iptables/orphan-sweep' },
  ];
}

/** The ACL routes, global and per proxy (on `alpha`), with a rule that touches no test client. */
function aclFixtures(): Fixture[] {
  const rule = { action: 'deny', cidr: '192.0.2.0/24', comment: 'TEST-NET-1' };
  return [
    { base: '/api/acl/global', doc: '/api/acl/global', order: 13 },
    { base: '/api/acl/proxy/alpha', doc: '/api/acl/proxy/{name}', order: 18 },
  ].flatMap(({ base, doc, order }): Fixture[] => [
    read(`GET ${doc}`, base, (b) => assert.equal(typeof b.enabled, 'boolean')),
    { operation: `PATCH ${doc}`, method: 'PATCH', order, expect: 200, path: async () => base, request: async () => ({ body: { default_action: 'allow' } }) },
    { operation: `POST ${doc}/rules`, method: 'POST', order: order + 1, expect: 200, path: async () => `${base}/rules`, request: async () => ({ body: rule }), check: (b) => assert.equal(b.acl.rules.at(-1).cidr, rule.cidr) },
    { operation: `PUT ${doc}/rules`, method: 'PUT', order: order + 2, expect: 200, path: async () => `${base}/rules`, request: async () => ({ body: [rule, { ...rule, cidr: '198.51.100.0/24' }] }), check: (b) => assert.equal(b.count, 2) },
    { operation: `DELETE ${doc}/rules`, method: 'DELETE', order: order + 3, expect: 200, path: async () => `${base}/rules?cidr=198.51.100.0/24`, check: (b) => assert.equal(b.removed, 1) },
  ]);
}
