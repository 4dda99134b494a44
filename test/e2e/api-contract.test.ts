import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv } from 'ajv';
import { ADMIN_KEY, METRICS_KEY, PROXIES_KEY, READ_KEY, SupervisorProcess } from '../helpers/supervisor-process.js';
import { startTcpBackend } from '../helpers/backends.js';
import { freePort } from '../helpers/free-ports.js';
import { proxyYaml } from '../helpers/proxy-yaml.js';
import { TcpClient } from '../helpers/tcp-client.js';
import { contractFixtures, type Fixture, type FixtureWorld } from '../helpers/api-contract-fixtures.js';
import { EventStreamClient } from '../helpers/event-stream-client.js';

type Operation = { responses: Record<string, { content?: Record<string, { schema: object }> }>; 'x-required-scope': string | null };
type OpenApi = { openapi: string; paths: Record<string, Record<string, Operation>> };

function operations(doc: OpenApi): { key: string; path: string; method: string; op: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, path, method, op })));
}

function validator(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
  return ajv;
}

/** Reads a Server-Sent Events route until two snapshots came, checking each event's data against its `x-events` schema. */
async function checkEventStream(sup: SupervisorProcess, ajv: Ajv, fixture: Fixture, schemas: Record<string, object>): Promise<void> {
  const stream = await EventStreamClient.open(sup.apiPort, ADMIN_KEY);
  try {
    assert.equal(stream.status, fixture.expect, `${fixture.operation}: ${stream.refusal}`);
    const first = await stream.next('counters');
    await stream.next('counters', () => true, 3000, stream.events.indexOf(first) + 1);
    assert.equal(stream.events[0]?.event, 'hello');
    for (const { event, data } of stream.events) {
      assert.ok(schemas[event], `${fixture.operation}: event "${event}" is not documented in x-events`);
      const validate = ajv.compile(schemas[event]!);
      assert.ok(validate(data), `${fixture.operation} event ${event}: ${ajv.errorsText(validate.errors)}`);
    }
    await fixture.check?.(stream.events);
  } finally {
    stream.close();
  }
}

/** A key that is valid but lacks `scope`. */
function keyWithout(scope: string): string {
  if (scope === '*') return READ_KEY;
  if (scope === 'proxies:read') return METRICS_KEY;
  return PROXIES_KEY;
}

test('the OpenAPI document and the server agree: every documented route answers as documented', async (t) => {
  const backend = await startTcpBackend();
  t.after(() => backend.close());
  const [alphaPort, betaPort] = [await freePort(), await freePort()];
  const sup = await SupervisorProcess.start({
    proxies: {
      'alpha.yaml': proxyYaml({ name: 'alpha', originPorts: [alphaPort], destPorts: [backend.port] }),
      'beta.yaml': proxyYaml({ name: 'beta', originPorts: [betaPort], destPorts: [backend.port], enabled: false }),
    },
    waitForRunning: ['alpha'],
  });
  t.after(() => sup.stop());
  const client = await TcpClient.connect(alphaPort);
  t.after(() => client.destroy());
  client.write('hold');
  await client.waitForBytes(4);

  const docResponse = await sup.api<OpenApi>('GET', '/api/openapi.json');
  assert.equal(docResponse.status, 200);
  const doc = docResponse.body;
  assert.equal(doc.openapi, '3.1.0');
  const ops = operations(doc);
  const world: FixtureWorld = { sup, backendPort: backend.port, freePort };
  const fixtures = await contractFixtures(world);
  const missing = ops.filter((o) => !fixtures.some((f) => f.operation === o.key)).map((o) => o.key);
  assert.deepEqual(missing, [], 'every documented route needs a contract fixture');
  const unknown = fixtures.filter((f) => !ops.some((o) => o.key === f.operation)).map((f) => f.operation);
  assert.deepEqual(unknown, [], 'fixtures for routes the document does not have');

  await t.test('routes with a scope answer 401 without a key and 403 with a key lacking it', async () => {
    for (const { key, op } of ops) {
      const scope = op['x-required-scope'];
      const fixture = fixtures.find((f) => f.operation === key)!;
      const path = await fixture.path();
      if (scope === null) {
        assert.notEqual((await sup.api(fixture.method, path)).status, 401, `${key} must be open`);
        continue;
      }
      assert.equal((await sup.api(fixture.method, path)).status, 401, `${key} without a key`);
      if (scope === 'key') continue;
      assert.equal((await sup.api(fixture.method, path, { key: keyWithout(scope) })).status, 403, `${key} with a key lacking ${scope}`);
    }
  });

  await t.test('every response matches the documented schema for its status', async () => {
    const ajv = validator();
    for (const fixture of [...fixtures].sort((a, b) => a.order - b.order)) {
      const { op } = ops.find((o) => o.key === fixture.operation)!;
      const stream = op.responses['200']?.content?.['text/event-stream'] as { 'x-events'?: Record<string, object> } | undefined;
      if (stream !== undefined) {
        await checkEventStream(sup, ajv, fixture, stream['x-events'] ?? {});
        continue;
      }
      const response = await sup.api(fixture.method, await fixture.path(), { key: ADMIN_KEY, ...(await fixture.request?.()) });
      assert.equal(response.status, fixture.expect, `${fixture.operation}: ${response.text}`);
      const documented = op.responses[String(response.status)];
      assert.ok(documented, `${fixture.operation} answered ${response.status}, which is not documented`);
      const schema = documented.content?.['application/json']?.schema;
      assert.ok(schema, `${fixture.operation} ${response.status} has no JSON schema`);
      const validate = ajv.compile(schema);
      assert.ok(validate(response.body), `${fixture.operation} ${response.status}: ${ajv.errorsText(validate.errors)}\n${response.text.slice(0, 500)}`);
      await fixture.check?.(response.body);
    }
  });

  await t.test('no key ever reached the log', () => {
    const all = sup.logLines.join('\n');
    for (const key of [ADMIN_KEY, READ_KEY, METRICS_KEY, PROXIES_KEY]) assert.equal(all.includes(key), false);
  });
});
