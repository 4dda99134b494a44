// The dashboard's kernel-rules panel against real iptables: the supervisor runs inside a network
// namespace with `iptables.enabled: true`, a SYN flood from a second namespace is dropped by its
// rules, and Debian's chromium (in the test's own namespace, reaching the API over the veth)
// shows the rules and the drops rising without a reload. Flush and orphan sweep are clicked for
// real; a read-only key sees the drops but no action; without root the page shows the API's reason.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTcpBackend, type TcpBackend } from '../helpers/backends.js';
import { CHROMIUM, launchChromium, recordProblems, screenshot, signIn } from '../helpers/dashboard-browser.js';
import { listRules, rulesOf, startFirewallSupervisor } from '../helpers/firewall-lab.js';
import { NetnsLab, netnsUnavailable } from '../helpers/netns.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { ADMIN_KEY, READ_KEY, type SupervisorProcess } from '../helpers/supervisor-process.js';
import { failOnMissing, missingTool, skipOutsideCi } from '../helpers/system-tools.js';
import { EventStreamClient } from '../helpers/event-stream-client.js';
import { waitFor } from '../helpers/wait-for.js';

const UNAVAILABLE = netnsUnavailable() || missingTool('iptables', 'iptables') || missingTool('hping3', 'hping3') || missingTool(CHROMIUM, 'chromium') || missingTool('setpriv', 'util-linux');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const NOBODY = 65_534;
const SYNS = 3000;

/** Rules an earlier run left for a proxy that no longer exists, as `iptables-restore --noflush` takes them. */
const GHOST_RULES = `*filter
:ROUTEX-ghost - [0:0]
-A ROUTEX-ghost -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -m comment --comment RouteX-ghost-SynRate-7777 -j DROP
-A ROUTEX-INPUT -p tcp -m tcp --dport 7777 -m comment --comment RouteX-ghost-Jump-7777 -j ROUTEX-ghost
COMMIT
`;

/** The value the page shows in `selector` (its data-value), or -1 while it is not there. Runs in the page. */
function shownValue(selector: string): number {
  const cell = (globalThis as any).document.querySelector(selector);
  return cell === null ? -1 : Number(cell.getAttribute('data-value'));
}

/** Whether every cell of `selectors` shows `value`. Runs in the page (self-contained: it is sent as source). */
function allShow([selectors, value]: readonly [readonly string[], number]): boolean {
  return selectors.every((selector) => Number((globalThis as any).document.querySelector(selector)?.getAttribute('data-value')) === value);
}

const visibleActions = (page: Page): Promise<string[]> =>
  page.locator('#iptables [data-action]').evaluateAll((buttons: any[]) => buttons.filter((b) => b.offsetParent !== null).map((b) => b.getAttribute('data-action')));

describe('the dashboard shows kernel rules and their drops, live (network namespaces, chromium)', { skip: skipOutsideCi(UNAVAILABLE) }, () => {
  let lab: NetnsLab;
  let sup: SupervisorProcess;
  let backend: TcpBackend;
  let browser: Browser;
  let admin: Page;
  let problems: string[];
  let base: string;

  /** The SYN-rate rule's packet counter as the kernel has it now (`iptables -S -v`), read past RouteX. */
  const kernelSynDrops = async (): Promise<number> => {
    const lines = (await lab.exec('srv', 'iptables', ['-S', 'ROUTEX-lobby', '-v'])).stdout.split('\n');
    const line = lines.find((l) => l.includes('RouteX-lobby-SynRate-'));
    return Number(/ -c (\d+) \d+/.exec(line ?? '')?.[1] ?? -1);
  };
  /** Since its rules were installed (`GET /api/proxies/{name}/ratelimits`). */
  const apiSynDrops = async (): Promise<number> => (await sup.api('GET', '/api/proxies/lobby/ratelimits', { key: ADMIN_KEY })).body.dropped.by_kind.syn_rate.packets;
  /** Since the supervisor started (the metric), what the stream carries. */
  const metricSynDrops = async (): Promise<number> => {
    const json = (await sup.api('GET', '/metrics?format=json', { key: ADMIN_KEY })).body;
    return json.proxies.find((p: any) => p.proxy === 'lobby').iptables.syn_rate.dropped_packets;
  };

  before(async () => {
    failOnMissing(UNAVAILABLE);
    lab = await NetnsLab.create({ prefix: 'rxdash', namespaces: ['srv', 'cli'], links: [['srv', 'cli'], ['srv', 'host']] });
    backend = await startTcpBackend({ host: lab.ip('host', 'srv') });
    const proxy = (name: string, port: number, extra: string): string =>
      proxyYaml({ name, originIps: '0.0.0.0', originPorts: [port], destIps: lab.ip('host', 'srv'), destPorts: [backend.port], extra });
    sup = await startFirewallSupervisor(lab, 'srv', {
      readKey: true,
      proxies: {
        'lobby.yaml': proxy('lobby', 25565, 'rate_limits:\n  tcp_syn_rate_per_ip: 10\n  max_simultaneous_conns_per_ip: 20'),
        'plain.yaml': proxy('plain', 25566, ''),
      },
      waitForRunning: ['lobby', 'plain'],
    });
    await waitFor('the kernel rules', async () => (await sup.api('GET', '/api/iptables/rules', { key: ADMIN_KEY })).body.proxies.every((p: any) => p.iptables.state === 'installed'));
    const restored = await lab.exec('srv', 'iptables-restore', ['--noflush'], { input: GHOST_RULES });
    assert.equal(restored.exitCode, 0, restored.stderr);
    base = `http://${lab.ip('srv', 'host')}:${sup.apiPort}`;
    browser = await launchChromium();
    admin = await browser.newPage({ viewport: DESKTOP });
    problems = recordProblems(admin);
  });
  after(async () => {
    await browser?.close();
    await sup?.stop('SIGKILL');
    await lab?.destroy();
    await backend?.close();
  });

  it('lists every proxy\'s rules from the kernel, with the layer\'s status and the orphans', async () => {
    await signIn(admin, base, ADMIN_KEY);
    await admin.goto(`${base}/dashboard/#/protection`);
    const status = admin.locator('#iptables-status[data-active=true]');
    await status.waitFor();
    assert.match((await status.textContent()) ?? '', /chain ROUTEX-INPUT \(ipv4\).*ban set entries in the kernel: ipv4 0/);
    const kinds = async (proxy: string): Promise<string[]> => admin.locator(`#iptables-rules tr[data-proxy=${proxy}][data-rule-kind]`).evaluateAll((rows: any[]) => rows.map((r) => r.getAttribute('data-rule-kind')));
    await admin.locator('#iptables-rules tr[data-proxy=lobby][data-rule-kind=syn_rate]').waitFor();
    assert.deepEqual(await kinds('lobby'), ['jump', 'ban', 'syn_rate', 'conn_per_ip']);
    assert.deepEqual(await kinds('plain'), ['jump', 'ban']);
    assert.match((await admin.locator('#iptables-rules tr[data-proxy=lobby][data-rule-kind=syn_rate] td.rule').textContent()) ?? '', /--hashlimit-above 10\/sec .*-j DROP/);
    assert.match((await admin.locator('#iptables-rules tr[data-proxy-head=lobby]').textContent()) ?? '', /installed.*4 rules, chain ROUTEX-lobby/);
    assert.match((await admin.locator('#iptables-orphans li[data-orphan=ghost]').textContent()) ?? '', /ghost 2 rules \(jump, syn_rate\)/);
    await admin.locator('#iptables-drops tr[data-proxy=lobby][data-kind=syn_rate] [data-col=packets]').waitFor();
    assert.equal(await admin.evaluate(shownValue, '#iptables-drops tr[data-proxy=lobby][data-kind=syn_rate] [data-col=packets]'), 0);
  });

  it('a SYN flood from another namespace: the drops rise on screen while it runs, without a reload, and end at the kernel\'s count', async (t) => {
    await admin.evaluate('window.noReload = true');
    const dropsCell = '#iptables-drops tr[data-proxy=lobby][data-kind=syn_rate] [data-col=packets]';
    const rateCell = '#iptables-drops tr[data-proxy=lobby][data-kind=syn_rate] [data-col=rate]';
    const ruleCell = '#iptables-rules tr[data-proxy=lobby][data-rule-kind=syn_rate] [data-col=packets]';
    const startedAt = Date.now();
    let floodDone = false;
    const flood = lab.exec('cli', 'hping3', ['-q', '-S', '-p', '25565', '-c', String(SYNS), '-i', 'u1000', lab.ip('srv', 'cli')]).finally(() => (floodDone = true));
    // Values seen on screen while the flood still runs: a live page shows several, rising.
    const seen: number[] = [];
    let rateSeen = 0;
    let ruleSeen = 0;
    try {
      while (!floodDone && Date.now() - startedAt < 15_000) {
        const shown = await admin.evaluate(shownValue, dropsCell);
        if (!floodDone && shown > (seen.at(-1) ?? 0)) seen.push(shown);
        rateSeen = Math.max(rateSeen, await admin.evaluate(shownValue, rateCell));
        if (!floodDone) ruleSeen = Math.max(ruleSeen, await admin.evaluate(shownValue, ruleCell));
        await admin.waitForTimeout(100);
      }
    } finally {
      await flood;
    }
    const floodMs = Date.now() - startedAt;
    t.diagnostic(`during the ${floodMs} ms flood the page showed ${seen.join(' → ')} dropped SYNs, up to ${rateSeen}/s; the rule row up to ${ruleSeen}`);
    assert.ok(seen.length >= 2, `the drop count changed on screen ${seen.length} times during the flood: ${seen.join(', ')}`);
    assert.ok(rateSeen > 0, 'a drop rate was shown');
    assert.ok(ruleSeen > 0, 'the rule row\'s own counter moved during the flood');

    const kernel = await waitFor('the kernel\'s count to settle', async () => {
      const a = await kernelSynDrops();
      const b = await kernelSynDrops();
      return a === b && a > 0 ? a : undefined;
    });
    assert.ok(kernel >= SYNS * 0.9, `the kernel dropped ${kernel} of ${SYNS} SYNs`);
    await admin.waitForFunction(allShow, [[dropsCell, ruleCell], kernel] as const, { timeout: 5000, polling: 100 }).catch(async () => {
      assert.fail(`the page shows ${await admin.evaluate(shownValue, dropsCell)} (drops) and ${await admin.evaluate(shownValue, ruleCell)} (rule), the kernel ${kernel}`);
    });
    assert.equal(await apiSynDrops(), kernel);
    assert.equal(await metricSynDrops(), kernel);
    // What the page reads, as any other client of the stream gets it.
    const stream = await EventStreamClient.open(sup.apiPort, READ_KEY, lab.ip('srv', 'host'));
    try {
      const counters = await stream.next('counters');
      const lobby = counters.data.proxies.find((p: any) => p.name === 'lobby');
      assert.deepEqual(lobby.iptables.map((k: any) => k.kind), ['ban', 'syn_rate', 'conn_per_ip']);
      const syn = lobby.iptables[1];
      assert.deepEqual([syn.values.dropped_packets, Object.keys(syn.per_second).sort()], [kernel, ['dropped_bytes', 'dropped_packets']]);
      assert.ok(syn.values.dropped_bytes >= kernel * 40, `${syn.values.dropped_bytes} bytes`);
    } finally {
      stream.close();
    }
    assert.equal(await admin.evaluate('window.noReload'), true, 'the page was not reloaded');
  });

  it('saves screenshots of the Protection page with rules at both widths', async () => {
    for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
      await admin.setViewportSize(viewport);
      await admin.locator('#iptables-rules').waitFor();
      await admin.waitForSelector('#live-status[data-status=live]');
      await screenshot(admin, `protection-iptables-${name}`);
    }
    await admin.setViewportSize(DESKTOP);
  });

  it('Flush and re-create: the rules come back with fresh counters, the drop total since start stays', async () => {
    const total = await metricSynDrops();
    const head = admin.locator('#iptables-rules tr[data-proxy-head=lobby]');
    await head.locator('[data-action=flush]').click();
    await admin.locator('.notice-ok', { hasText: 'lobby: kernel rules flushed and created again' }).waitFor({ timeout: 5000 });
    await admin.waitForFunction(allShow, [['#iptables-rules tr[data-proxy=lobby][data-rule-kind=syn_rate] [data-col=packets]'], 0] as const, { timeout: 5000, polling: 100 });
    assert.equal(await kernelSynDrops(), 0, 'the kernel has a new rule');
    assert.equal(rulesOf(await listRules(lab, 'srv'), 'lobby').length, 4);
    // Over the next snapshots (the stream reads the kernel again each second) it stays put: not twice, not back to 0.
    const shown: number[] = [];
    while (shown.length < 16) {
      shown.push(await admin.evaluate(shownValue, '#iptables-drops tr[data-proxy=lobby][data-kind=syn_rate] [data-col=packets]'));
      await admin.waitForTimeout(125);
    }
    assert.deepEqual([...new Set(shown)], [total], 'the count since start neither doubles nor goes back');
    assert.equal(await metricSynDrops(), total);
  });

  it('Orphan sweep removes the rules of a proxy that no longer exists', async () => {
    await admin.locator('#iptables [data-action=orphan-sweep]').click();
    await admin.locator('#iptables-orphans').waitFor({ state: 'detached', timeout: 5000 });
    assert.deepEqual(rulesOf(await listRules(lab, 'srv'), 'ghost'), []);
    assert.deepEqual((await sup.api('GET', '/api/iptables/rules', { key: ADMIN_KEY })).body.orphans, []);
    assert.deepEqual(problems, []);
  });

  it('a read-only key sees the drops but no action, and the API\'s 403 for the rule list', async () => {
    const context: BrowserContext = await browser.newContext({ viewport: DESKTOP });
    try {
      const viewer = await context.newPage();
      await signIn(viewer, base, READ_KEY);
      await viewer.goto(`${base}/dashboard/#/protection`);
      const total = await metricSynDrops();
      await viewer.waitForFunction(allShow, [['#iptables-drops tr[data-proxy=lobby][data-kind=syn_rate] [data-col=packets]'], total] as const, { timeout: 5000 });
      const refused = viewer.locator('#iptables .error-box[data-status="403"]');
      await refused.waitFor();
      assert.match((await refused.textContent()) ?? '', /ERR_AUTH_FORBIDDEN/);
      assert.deepEqual(await visibleActions(viewer), []);
    } finally {
      await context.close();
    }
  });
});

describe('the dashboard shows why there are no kernel rules when RouteX is not root (network namespace, chromium)', { skip: skipOutsideCi(UNAVAILABLE) }, () => {
  let lab: NetnsLab;
  let sup: SupervisorProcess;
  let backend: TcpBackend;
  let browser: Browser;

  before(async () => {
    failOnMissing(UNAVAILABLE);
    lab = await NetnsLab.create({ prefix: 'rxdash', namespaces: ['srv'], links: [['srv', 'host']] });
    backend = await startTcpBackend({ host: lab.ip('host', 'srv') });
    sup = await startFirewallSupervisor(lab, 'srv', {
      uid: NOBODY,
      proxies: { 'mc.yaml': proxyYaml({ name: 'mc', originIps: '0.0.0.0', originPorts: [25565], destIps: lab.ip('host', 'srv'), destPorts: [backend.port], extra: 'rate_limits:\n  tcp_syn_rate_per_ip: 10' }) },
      waitForRunning: ['mc'],
    });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await sup?.stop('SIGKILL');
    await lab?.destroy();
    await backend?.close();
  });

  it('the Protection page gives the API\'s reason and offers no flush or sweep', async () => {
    const page = await browser.newPage({ viewport: DESKTOP });
    const problems = recordProblems(page);
    const base = `http://${lab.ip('srv', 'host')}:${sup.apiPort}`;
    await signIn(page, base, ADMIN_KEY);
    await page.goto(`${base}/dashboard/#/protection`);
    const status = page.locator('#iptables-status[data-active=false][data-enabled=true]');
    await status.waitFor();
    const reason = (await sup.api('GET', '/api/iptables/rules', { key: ADMIN_KEY })).body.reason as string;
    assert.match(reason, /root or CAP_NET_ADMIN/);
    assert.equal(await status.locator('[data-col=reason]').textContent(), reason);
    assert.match((await status.textContent()) ?? '', /^iptables is unavailable: .*rate_limits are not enforced\.$/);
    assert.equal(await page.locator('#iptables-drops, #iptables-rules').count(), 0, 'no counts or rules to show');
    assert.deepEqual(await visibleActions(page), []);
    await screenshot(page, 'protection-iptables-unavailable-desktop');
    assert.deepEqual(problems, []);
  });
});
