import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ADMIN_KEY, READ_KEY, SupervisorProcess } from '../helpers/supervisor-process.js';
import { startTcpBackend, type TcpBackend } from '../helpers/backends.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { TcpClient } from '../helpers/tcp-client.js';
import { waitFor } from '../helpers/wait-for.js';
import { chromiumMissing, launchChromium, recordProblems, screenshot, signIn } from '../helpers/dashboard-browser.js';

const GLOBAL_YAML = `api:
  enabled: true
  bind: "127.0.0.1:{{API_PORT}}"
  api_keys:
    - { key: "${ADMIN_KEY}", label: "admin", permissions: ["*"] }
    - { key: "${READ_KEY}", label: "viewer", permissions: ["proxies:read", "metrics:read"] }
metrics:
  enabled: true
  flush_interval_seconds: 1
  sqlite_path: ./metrics.db
logging:
  level: "info"
  format: "json"
  output: "stdout"
`;

/** Survival checks that a connection starts like Minecraft Java: anything else is an L7 event. */
const L7_INSPECTION = `l7_protection:
  enabled: true
  payload_inspection:
    enabled: true
    mode: "minecraft-java"
`;

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

/** A client that keeps sending 16 KiB every 50 ms (reading the echo) until stopped or 20 s pass. */
function pushTraffic(client: TcpClient): () => void {
  const chunk = Buffer.alloc(16_384, 0x61);
  const startedAt = Date.now();
  const timer = setInterval(() => {
    if (client.closed || Date.now() - startedAt > 20_000) return clearInterval(timer);
    client.received = Buffer.alloc(0);
    client.write(chunk);
  }, 50);
  return () => clearInterval(timer);
}

describe('the web dashboard in a real browser', { skip: chromiumMissing() }, () => {
  let backend: TcpBackend;
  let sup: SupervisorProcess;
  let browser: Browser;
  let admin: Page;
  let viewerContext: BrowserContext;
  let viewer: Page;
  let base: string;
  let lobbyPort: number;
  let survivalPort: number;
  let adminProblems: string[];
  const requests: string[] = [];
  let csp: string | undefined;

  before(async () => {
    backend = await startTcpBackend();
    lobbyPort = await freePort();
    survivalPort = await freePort();
    sup = await SupervisorProcess.start({
      globalYaml: GLOBAL_YAML,
      proxies: {
        'lobby.yaml': proxyYaml({ name: 'lobby', originPorts: [lobbyPort], destPorts: [backend.port], extra: 'metadata:\n  tags: ["minecraft", "production"]\n' }),
        'survival.yaml': proxyYaml({ name: 'survival', originPorts: [survivalPort], destPorts: [backend.port], extra: `metadata:\n  tags: ["minecraft"]\n${L7_INSPECTION}` }),
      },
      waitForRunning: ['lobby', 'survival'],
    });
    base = `http://127.0.0.1:${sup.apiPort}`;
    browser = await launchChromium();
    admin = await browser.newPage({ viewport: DESKTOP });
    adminProblems = recordProblems(admin);
    admin.on('request', (request) => requests.push(request.url()));
    admin.on('response', (response) => {
      if (response.url() === `${base}/dashboard/`) csp = response.headers()['content-security-policy'];
    });
  });

  after(async () => {
    await browser?.close();
    await sup?.stop();
    await backend?.close();
  });

  it('signs in with the admin key; the overview lists every proxy, and traffic shows within 3 s without a reload', async (t) => {
    await signIn(admin, base, ADMIN_KEY);
    await admin.waitForSelector('#proxy-table tr[data-proxy=lobby]');
    await admin.waitForSelector('#proxy-table tr[data-proxy=survival]');
    assert.equal(await admin.locator('#proxy-table tr[data-proxy=lobby] [data-col=state]').textContent(), 'running');
    await admin.evaluate('window.noReload = true');

    const client = await TcpClient.connect(lobbyPort);
    const stop = pushTraffic(client);
    const startedAt = Date.now();
    try {
      // Runs in the page (a function, not a string: the page's CSP forbids eval).
      const onScreen = (): boolean => {
        const row = (globalThis as any).document.querySelector('#proxy-table tr[data-proxy=lobby]');
        const bytesPerSecond = Number(row?.querySelector('[data-col=in]')?.getAttribute('data-value'));
        const connections = Number(row?.querySelector('[data-col=connections]')?.textContent);
        return bytesPerSecond > 0 && connections >= 1;
      };
      await admin.waitForFunction(onScreen, undefined, { timeout: 3000, polling: 50 });
      const shownAfterMs = Date.now() - startedAt;
      assert.ok(shownAfterMs <= 3000, `shown after ${shownAfterMs} ms`);
      t.diagnostic(`bytes/s and the connection shown ${shownAfterMs} ms after the traffic started`);
      const rate = await admin.locator('#proxy-table tr[data-proxy=lobby] [data-col=in]').textContent();
      assert.match(rate ?? '', /\/s$/);
      assert.notEqual(rate, '0 B/s');
      assert.equal(await admin.evaluate('window.noReload'), true, 'the page was not reloaded');
      // The tag filter keeps only the tagged proxies.
      await admin.selectOption('#tag-filter', 'production');
      assert.deepEqual(await admin.locator('#proxy-table tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-proxy'))), ['lobby']);
      await admin.selectOption('#tag-filter', '');
    } finally {
      stop();
      client.destroy();
    }
  });

  it('the Overview\'s L7 blocked/s is the workers\' own count: junk connections to the inspected proxy show within 3 s', async (t) => {
    const cell = (name: string): string => `#proxy-table tr[data-proxy=${name}] [data-col=l7]`;
    assert.equal(await admin.getAttribute(cell('survival'), 'data-value'), '0');
    const startedAt = Date.now();
    let sent = 0;
    const junk: Promise<TcpClient | void>[] = [];
    // Each from an address of its own: one invalid_protocol (30 points) each, far from a ban.
    const timer = setInterval(() => {
      if (sent >= 20) return clearInterval(timer);
      const connecting = TcpClient.connect(survivalPort, { localAddress: `127.0.0.${20 + sent++}` }).then((client) => {
        client.write('GET / HTTP/1.1\r\n\r\n');
        return client;
      });
      junk.push(connecting.catch(() => undefined));
    }, 150);
    try {
      const shown = (selector: string): boolean => Number((globalThis as any).document.querySelector(selector)?.getAttribute('data-value')) > 0;
      await admin.waitForFunction(shown, cell('survival'), { timeout: 3000, polling: 50 });
      t.diagnostic(`L7 blocks/s shown ${Date.now() - startedAt} ms after the first junk connection (${sent} sent)`);
    } finally {
      clearInterval(timer);
      for (const client of await Promise.all(junk)) client?.destroy();
    }
    assert.match((await admin.textContent(cell('survival'))) ?? '', /^[\d.]+\/s$/);
    assert.equal(await admin.getAttribute(cell('lobby'), 'data-value'), '0', 'no L7 on lobby, nothing blocked there');
    const l7 = (await sup.api('GET', '/api/proxies/survival/l7', { key: ADMIN_KEY })).body;
    assert.ok(l7.blocked_total > 0, JSON.stringify(l7.blocked));
  });

  it('ejects and readmits an upstream with the buttons, and kills a live connection from the Proxy page', async () => {
    await admin.click('#proxy-table a:text-is("lobby")');
    const row = admin.locator(`#upstreams tr[data-upstream="127.0.0.1:${backend.port}"]`);
    await row.waitFor();
    await row.locator('[data-action=eject]').click();
    await row.locator('[data-col=health] .badge', { hasText: /^ejected$/ }).waitFor({ timeout: 3000 });
    const ejected = (await sup.api('GET', '/api/proxies/lobby/upstreams', { key: ADMIN_KEY })).body;
    assert.equal(ejected[0].manual_state, 'ejected');
    assert.equal(ejected[0].healthy, false);
    await row.locator('[data-action=readmit]').click();
    await row.locator('[data-col=health] .badge', { hasText: /^healthy$/ }).waitFor({ timeout: 3000 });
    const readmitted = (await sup.api('GET', '/api/proxies/lobby/upstreams', { key: ADMIN_KEY })).body;
    assert.equal(readmitted[0].manual_state, null);
    assert.equal(readmitted[0].healthy, true);

    const client = await TcpClient.connect(lobbyPort);
    try {
      client.write('hello');
      await client.waitForBytes(5);
      const connection = admin.locator(`#connections tr[data-client="127.0.0.1:${client.socket.localPort}"]`);
      await connection.waitFor({ timeout: 3000 });
      await connection.locator('[data-action=kill]').click();
      await waitFor('the client socket to close', () => client.closed, { timeoutMs: 3000 });
      await connection.waitFor({ state: 'detached', timeout: 3000 });
    } finally {
      client.destroy();
    }
  });

  it('kill -9 of a worker shows as a crash and a restart on the page, without a reload', async (t) => {
    await admin.click('nav a:text-is("Overview")');
    const before = await sup.proxy('survival');
    process.kill(before.pid, 'SIGKILL');
    const killedAt = Date.now();
    await admin.locator('#event-log tr[data-event="worker.crashed"]', { hasText: 'survival' }).waitFor({ timeout: 3000 });
    t.diagnostic(`crash shown ${Date.now() - killedAt} ms after kill -9`);
    assert.match((await admin.locator('#event-log tr[data-event="worker.crashed"]').first().textContent()) ?? '', /SIGKILL/);
    const row = admin.locator('#proxy-table tr[data-proxy=survival]');
    await row.locator('[data-col=restarts]', { hasText: /^1$/ }).waitFor({ timeout: 3000 });
    await waitFor('the restarted worker on screen', async () => {
      const state = await row.locator('[data-col=state]').textContent();
      const pid = await row.locator('[data-col=pid]').textContent();
      return state === 'running' && pid !== String(before.pid) && pid !== '—';
    }, { timeoutMs: 5000 });
    assert.equal(await admin.evaluate('window.noReload'), true, 'the page was not reloaded');
  });

  it('adds an ACL deny rule from the page: the YAML file holds it and a client from that address is refused', async () => {
    await admin.goto(`${base}/dashboard/#/acl/lobby`);
    await admin.waitForSelector('#acl-add');
    await admin.fill('#acl-add input[name=cidr]', '127.0.0.2/32');
    await admin.fill('#acl-add input[name=comment]', 'flooder seen in the dashboard');
    await admin.click('#acl-add [data-action=acl-add]');
    await admin.locator('#acl-rules tr[data-cidr="127.0.0.2/32"]').waitFor({ timeout: 3000 });
    const yaml = readFileSync(path.join(sup.proxiesDir, 'lobby.yaml'), 'utf8');
    assert.match(yaml, /127\.0\.0\.2\/32/);
    assert.match(yaml, /flooder seen in the dashboard/);
    const refused = await TcpClient.connect(lobbyPort, { localAddress: '127.0.0.2' });
    refused.write('let me in');
    await waitFor('the denied client to be closed', () => refused.closed, { timeoutMs: 3000 });
    assert.equal(refused.received.length, 0, 'nothing reached the denied client');
    const allowed = await TcpClient.connect(lobbyPort);
    allowed.write('ok');
    await allowed.waitForBytes(2);
    allowed.destroy();
  });

  it('Protection page: an L7 rejection shows in the events; a ban from the form refuses its address everywhere, and Unban lifts it', async () => {
    await admin.goto(`${base}/dashboard/#/protection`);
    await admin.locator('#l7-status tr[data-proxy=survival] [data-col=l7]', { hasText: 'on' }).waitFor();
    assert.equal(await admin.locator('#l7-status tr[data-proxy=lobby] [data-col=l7]').textContent(), 'off');
    await admin.waitForSelector('#l7-events');

    const junk = await TcpClient.connect(survivalPort, { localAddress: '127.0.0.4' });
    junk.write('GET / HTTP/1.1\r\n\r\n');
    await waitFor('the junk connection to be rejected', () => junk.closed, { timeoutMs: 3000 });
    await admin.locator('#l7-event-list tr[data-l7-event=invalid_protocol][data-ip="127.0.0.4"]').waitFor({ timeout: 6000 });

    await admin.fill('#ban-form input[name=target]', '127.0.0.3');
    await admin.fill('#ban-form input[name=duration]', '10m');
    await admin.fill('#ban-form input[name=reason]', 'banned from the dashboard');
    await admin.click('#ban-form [data-action=ban]');
    const row = admin.locator('#ban-list tr[data-ban="127.0.0.3"]');
    await row.waitFor({ timeout: 3000 });
    assert.match((await row.textContent()) ?? '', /banned from the dashboard.*api.*in (9m|10m)/);
    const listed = (await sup.api('GET', '/api/l7/banned', { key: ADMIN_KEY })).body as any[];
    assert.deepEqual(listed.map((b) => [b.ip, b.reason, b.source]), [['127.0.0.3', 'banned from the dashboard', 'api']]);
    const banned = await TcpClient.connect(lobbyPort, { localAddress: '127.0.0.3' });
    banned.write('let me in');
    await waitFor('the banned client to be closed', () => banned.closed, { timeoutMs: 3000 });
    assert.equal(banned.received.length, 0, 'nothing reached the banned client');

    await row.locator('[data-action=unban]').click();
    await row.waitFor({ state: 'detached', timeout: 3000 });
    assert.deepEqual((await sup.api('GET', '/api/l7/banned', { key: ADMIN_KEY })).body, []);
    const back = await TcpClient.connect(lobbyPort, { localAddress: '127.0.0.3' });
    back.write('back');
    await back.waitForBytes(4);
    back.destroy();
    // A network ban stays for the screenshots.
    await admin.fill('#ban-form input[name=target]', '203.0.113.0/24');
    await admin.fill('#ban-form input[name=reason]', 'documentation range');
    await admin.click('#ban-form [data-action=ban]');
    await admin.locator('#ban-list tr[data-ban="203.0.113.0/24"]').waitFor({ timeout: 3000 });
  });

  it('saves screenshots of every page at 1280×800 and at phone width, and no page logs a console error', async () => {
    const pages = [
      ['overview', '#/', '#proxy-table'],
      ['proxy', '#/proxy/lobby', '#chart-throughput'],
      ['protection', '#/protection', '#l7-status'],
      ['acl', '#/acl/lobby', '#acl-rules'],
      ['system', '#/system', '#workers td[data-col=rss]'],
    ] as const;
    for (const [width, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
      await admin.setViewportSize(viewport);
      await admin.reload(); // clears the notices of earlier actions from the pictures
      for (const [name, hash, ready] of pages) {
        await admin.goto(`${base}/dashboard/${hash}`);
        await admin.waitForSelector(ready);
        await admin.waitForSelector('#live-status[data-status=live]');
        await screenshot(admin, `${name}-${width}`);
      }
    }
    // The System page shows each worker's memory.
    assert.match((await admin.locator('#workers tr[data-proxy=lobby] [data-col=rss]').textContent()) ?? '', /MiB|KiB/);
    // The Protection page says iptables is off, with the API's own reason.
    await admin.goto(`${base}/dashboard/#/protection`);
    const off = admin.locator('#iptables-status[data-active=false][data-enabled=false]');
    await off.waitFor();
    const rules = (await sup.api('GET', '/api/iptables/rules', { key: ADMIN_KEY })).body;
    assert.equal(await off.locator('[data-col=reason]').textContent(), rules.reason);
    assert.match((await off.textContent()) ?? '', /^iptables is off: iptables\.enabled is false in global\.yaml\. Proxies run without kernel rules\.$/);
    assert.equal(await admin.locator('#iptables [data-action]').count(), 0, 'no flush or sweep while off');
    assert.deepEqual(adminProblems, []);
  });

  it('a read-only key sees the data but no action buttons, and an action forced through the page shows the API’s 403', async () => {
    viewerContext = await browser.newContext({ viewport: DESKTOP });
    viewer = await viewerContext.newPage();
    viewer.on('request', (request) => requests.push(request.url()));
    await signIn(viewer, base, READ_KEY);
    await viewer.goto(`${base}/dashboard/#/proxy/lobby`);
    const eject = viewer.locator('#upstreams [data-action=eject]');
    await eject.waitFor({ state: 'attached' });
    assert.ok((await viewer.locator('#upstreams tr[data-upstream]').count()) > 0, 'the data is shown');
    const actions = await viewer.locator('[data-action]').evaluateAll((buttons: any[]) => buttons.map((b) => b.offsetParent !== null));
    assert.ok(actions.length > 0);
    assert.deepEqual(actions.filter(Boolean), [], 'no action button is visible');

    await eject.evaluate((button: any) => {
      button.hidden = false;
      button.click();
    });
    const notice = viewer.locator('.notice-error', { hasText: '403 ERR_AUTH_FORBIDDEN' });
    await notice.waitFor({ timeout: 3000 });
    assert.match((await notice.textContent()) ?? '', /lacks the "\*" permission/);
    assert.equal((await sup.api('GET', '/api/proxies/lobby/upstreams', { key: ADMIN_KEY })).body[0].manual_state, null, 'nothing was ejected');

    await viewer.goto(`${base}/dashboard/#/acl`);
    await viewer.locator('#acl .error-box[data-status="403"]').waitFor();
    assert.equal(await viewer.locator('#acl-add').isVisible(), false);
    await screenshot(viewer, 'acl-read-only');
  });

  it('no request leaves for another origin, the CSP header is present, and the event stream ends when the key is revoked by a reload', async () => {
    const streamEnded = new Promise<void>((resolve) => {
      const done = (request: { url(): string }): void => {
        if (request.url() === `${base}/api/events/stream`) resolve();
      };
      viewer.on('requestfinished', done);
      viewer.on('requestfailed', done);
    });
    await viewer.goto(`${base}/dashboard/#/`);
    await viewer.waitForSelector('#live-status[data-status=live]');
    writeFileSync(sup.globalFile, readFileSync(sup.globalFile, 'utf8').replace(/    - \{ key: "test-read-key-0123456789".*\n/, ''));
    sup.signal('SIGHUP');
    const reason = viewer.locator('#signed-out-reason');
    await reason.waitFor({ timeout: 5000 });
    assert.match((await reason.textContent()) ?? '', /ERR_AUTH_INVALID_KEY/);
    await Promise.race([streamEnded, new Promise((_, reject) => setTimeout(() => reject(new Error('the stream request never ended')), 3000))]);
    assert.equal(await viewer.evaluate('sessionStorage.length'), 0, 'the key is forgotten');
    await screenshot(viewer, 'signed-out');

    assert.ok(requests.length > 20, `${requests.length} requests recorded`);
    const foreign = requests.filter((url) => new URL(url).origin !== base);
    assert.deepEqual(foreign, []);
    assert.ok(requests.every((url) => !url.includes(ADMIN_KEY) && !url.includes(READ_KEY)), 'no key in a URL');
    assert.match(csp ?? '', /default-src 'none'; script-src 'self'/);
    await viewerContext.close();
  });
});
