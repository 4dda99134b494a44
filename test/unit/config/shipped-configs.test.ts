// The example configs in configs/ must load as they are: they are what a new user runs first.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { checkProxySet, type ProxySetEntry } from '../../../shared/config/check-proxy-set.js';
import { formatIssue } from '../../../shared/config/errors.js';
import { loadGlobalConfigFile } from '../../../shared/config/load-global.js';
import { loadProxyConfigFile } from '../../../shared/config/load-proxy.js';

// From dist/test/unit/config/ up to the repository root.
const configsDir = fileURLToPath(new URL('../../../../configs/', import.meta.url));
const proxyFiles = readdirSync(`${configsDir}proxies`).filter((name) => name.endsWith('.yaml')).sort();

describe('shipped configs', () => {
  const global = loadGlobalConfigFile(`${configsDir}global.yaml`);

  it('global.yaml loads with no issue and no warning', () => {
    assert.deepEqual(global.issues.map(formatIssue), []);
    assert.deepEqual(global.warnings.map(formatIssue), []);
    assert.equal(global.config?.api.bind, '127.0.0.1:9000');
    assert.equal(global.config?.iptables.enabled, false);
    assert.equal(global.config?.metrics.sqlitePath, `${configsDir}routex_metrics.db`);
  });

  it('ships the example proxies', () => {
    assert.deepEqual(proxyFiles, ['bedrock.yaml', 'gameserver.yaml', 'minecraft-network.yaml', 'minecraft.yaml', 'tls-sni.yaml']);
  });

  for (const name of proxyFiles) {
    it(`proxies/${name} loads with no issue and no warning`, () => {
      assert.ok(global.config);
      const result = loadProxyConfigFile(`${configsDir}proxies/${name}`, global.config);
      assert.deepEqual(result.issues.map(formatIssue), []);
      assert.deepEqual(result.warnings.map(formatIssue), []);
      assert.ok(result.config);
      assert.ok(result.config.listeners.every((listener) => listener.ip === '127.0.0.1' && listener.port > 1024));
    });
  }

  it('the example proxies do not clash with each other', () => {
    assert.ok(global.config);
    const config = global.config;
    const entries: ProxySetEntry[] = proxyFiles.map((name) => {
      const loaded = loadProxyConfigFile(`${configsDir}proxies/${name}`, config).config;
      assert.ok(loaded);
      return { file: name, config: loaded };
    });
    assert.deepEqual(checkProxySet(entries), []);
  });
});
