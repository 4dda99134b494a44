// A throwaway CA and server certificates made with openssl for one test (the files live only
// while openssl runs; the test keeps them in memory).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestPki {
  ca: Buffer;
  /** Key and certificate for each host name, signed by `ca`. */
  server(host: string): { key: Buffer; cert: Buffer };
}

export function makeTestPki(hosts: string[]): TestPki {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rx-pki-'));
  try {
    return makeIn(dir, hosts);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function makeIn(dir: string, hosts: string[]): TestPki {
  const openssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=RouteX test CA');
  const servers = new Map<string, { key: Buffer; cert: Buffer }>();
  for (const host of hosts) {
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${host}.key`, '-out', `${host}.csr`, '-subj', `/CN=${host}`);
    writeFileSync(path.join(dir, `${host}.ext`), `subjectAltName=DNS:${host}\n`);
    openssl('x509', '-req', '-in', `${host}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${host}.crt`, '-days', '1', '-extfile', `${host}.ext`);
    servers.set(host, { key: readFileSync(path.join(dir, `${host}.key`)), cert: readFileSync(path.join(dir, `${host}.crt`)) });
  }
  const ca = readFileSync(path.join(dir, 'ca.crt'));
  return {
    ca,
    server: (host) => {
      const found = servers.get(host);
      if (found === undefined) throw new Error(`no certificate for ${host}`);
      return found;
    },
  };
}
