// install.sh run for real on this machine, into a staging root (--root): what a server gets, and
// that running it again changes nothing. The source is a snapshot of this tree, so builds by
// others in the same checkout cannot change it between runs. The first run includes a real
// `npm ci --omit=dev` (about a minute: better-sqlite3 may compile).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../helpers/free-ports.js';
import { waitFor } from '../helpers/wait-for.js';
import { missingTool } from '../helpers/system-tools.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const SOURCE_ITEMS = ['install.sh', 'package.json', 'package-lock.json', 'README.md', 'dist/supervisor', 'dist/proxy-worker', 'dist/shared', 'dist/dashboard', 'configs', 'systemd'];

interface Run {
  status: number | null;
  output: string;
}

function install(src: string, args: string[]): Run {
  const result = spawnSync('bash', [path.join(src, 'install.sh'), '--no-build', ...args], { encoding: 'utf8', timeout: 600_000 });
  return { status: result.status, output: result.stdout + result.stderr };
}

/** Every path under `dir` with its type, mode, size, mtime and content hash or link target. */
function manifest(dir: string, skip: (relative: string) => boolean = () => false): string[] {
  const lines: string[] = [];
  const walk = (relative: string): void => {
    for (const name of readdirSync(path.join(dir, relative)).sort()) {
      const rel = path.join(relative, name);
      if (skip(rel)) continue;
      const full = path.join(dir, rel);
      const stat = lstatSync(full);
      if (stat.isSymbolicLink()) lines.push(`${rel} -> ${readlinkSync(full)}`);
      else if (stat.isDirectory()) {
        lines.push(`${rel}/ ${stat.mode.toString(8)}`);
        walk(rel);
      } else lines.push(`${rel} ${stat.mode.toString(8)} ${stat.size} ${stat.mtimeMs} ${createHash('sha1').update(readFileSync(full)).digest('hex')}`);
    }
  };
  walk('');
  return lines;
}

function osRelease(dir: string, name: string, text: string): string {
  const file = path.join(dir, `os-release-${name}`);
  writeFileSync(file, text);
  return file;
}

describe('install.sh --root (staging root on this machine)', () => {
  let work: string;
  let src: string;
  let stage: string;
  let first: Run;

  before(() => {
    work = mkdtempSync(path.join(os.tmpdir(), 'routex-install-'));
    src = path.join(work, 'src');
    stage = path.join(work, 'stage');
    for (const item of SOURCE_ITEMS) cpSync(path.join(REPO, item), path.join(src, item), { recursive: true });
    first = install(src, ['--root', stage]);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('runs to completion and says what it did', () => {
    assert.equal(first.status, 0, first.output);
    assert.match(first.output, /installed into the staging root .*: \d+ change\(s\)/);
    assert.match(first.output, /skip: system packages \(staging root\)/);
    assert.match(first.output, /Next steps:/);
    assert.match(first.output, /journalctl -u routex -f/);
  });

  it('puts the built app, its runtime dependencies and the examples in /opt/routex', () => {
    const app = path.join(stage, 'opt/routex');
    for (const file of ['package.json', 'package-lock.json', 'README.md', 'install.sh', 'dist/supervisor/cli.js', 'dist/proxy-worker/main.js', 'dist/shared/config/load-global.js', 'dist/dashboard/index.html', 'configs/global.schema.json', 'configs/proxies/minecraft.yaml', 'systemd/routex.service', 'systemd/routex.openrc']) {
      assert.ok(existsSync(path.join(app, file)), `missing ${file}`);
    }
    assert.ok(!existsSync(path.join(app, 'dist/test')), 'tests are not installed');
    for (const dependency of ['yaml', 'express', 'better-sqlite3', 'winston']) assert.ok(existsSync(path.join(app, 'node_modules', dependency)), `missing ${dependency}`);
    assert.ok(!existsSync(path.join(app, 'node_modules/typescript')), 'devDependencies are not installed');
  });

  it('writes the systemd unit with the real paths and enables it', () => {
    const unit = readFileSync(path.join(stage, 'etc/systemd/system/routex.service'), 'utf8');
    assert.match(unit, new RegExp(`^ExecStart=${process.execPath} /opt/routex/dist/supervisor/cli.js --config /etc/routex/global.yaml$`, 'm'));
    assert.equal(readlinkSync(path.join(stage, 'etc/systemd/system/multi-user.target.wants/routex.service')), '/etc/systemd/system/routex.service');
  });

  it('systemd-analyze verify accepts the installed unit', { skip: missingTool('systemd-analyze', 'systemd') }, () => {
    const result = spawnSync('systemd-analyze', ['verify', path.join(stage, 'etc/systemd/system/routex.service')], { encoding: 'utf8' });
    assert.deepEqual((result.stdout + result.stderr).split('\n').filter((l) => l.includes('routex')), []);
  });

  it('creates /etc/routex/global.yaml for a server: fresh keys, loopback API, state in /var/lib/routex', () => {
    const text = readFileSync(path.join(stage, 'etc/routex/global.yaml'), 'utf8');
    assert.equal(text.split('\n')[0], '# yaml-language-server: $schema=/opt/routex/configs/global.schema.json');
    assert.doesNotMatch(text, /change_me/);
    const keys = [...text.matchAll(/key: "(rx_\w+)"/g)].map((m) => m[1]);
    assert.equal(keys.length, 2);
    assert.ok(keys.every((k) => /^rx_(admin|read)_[0-9a-f]{40}$/.test(k!)), keys.join(' '));
    assert.match(text, /bind: "127\.0\.0\.1:9000"/);
    assert.match(text, /sqlite_path: "\/var\/lib\/routex\/routex_metrics\.db"/);
    assert.match(text, /file_path: "\/var\/lib\/routex\/routex\.log"/);
    assert.match(text, /format: "json"/);
    assert.equal(statSync(path.join(stage, 'etc/routex/global.yaml')).mode & 0o777, 0o640);
    assert.deepEqual(readdirSync(path.join(stage, 'etc/routex/proxies')), []);
    assert.ok(statSync(path.join(stage, 'var/lib/routex')).isDirectory());
  });

  it('the installed routex check accepts the installed configuration', () => {
    const cli = path.join(stage, 'opt/routex/dist/supervisor/cli.js');
    const result = spawnSync(process.execPath, [cli, 'check', '--config', path.join(stage, 'etc/routex/global.yaml')], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /configuration ok: 0 proxy file\(s\)/);
    const wrapper = readFileSync(path.join(stage, 'usr/local/bin/routex'), 'utf8');
    assert.match(wrapper, /--config "\/etc\/routex\/global\.yaml"/);
    assert.equal(statSync(path.join(stage, 'usr/local/bin/routex')).mode & 0o777, 0o755);
  });

  it('the installed app (npm ci --omit=dev) starts and answers /api/health', async (t) => {
    const port = await freePort();
    const config = path.join(work, 'run/global.yaml');
    cpSync(path.join(stage, 'etc/routex'), path.join(work, 'run'), { recursive: true });
    const text = readFileSync(config, 'utf8')
      .replace('127.0.0.1:9000', `127.0.0.1:${port}`)
      .replaceAll('/var/lib/routex/', `${path.join(work, 'run')}/`);
    writeFileSync(config, text);
    const child = spawn(process.execPath, [path.join(stage, 'opt/routex/dist/supervisor/cli.js'), '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    t.after(() => child.kill('SIGKILL'));
    await waitFor(`the installed app to answer (output: ${output})`, async () => {
      const response = await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => undefined);
      return response?.status === 200;
    }, { timeoutMs: 15_000 });
    // The dashboard is served from the installed files: the page and every asset it names.
    const page = await fetch(`http://127.0.0.1:${port}/dashboard/`);
    assert.equal(page.status, 200);
    const assets = [...(await page.text()).matchAll(/(?:src|href)="(assets\/[^"]+)"/g)].map((m) => m[1]);
    assert.ok(assets.length >= 3, `assets named: ${assets.join(', ')}`);
    for (const asset of assets) assert.equal((await fetch(`http://127.0.0.1:${port}/dashboard/${asset}`)).status, 200, asset);
    child.kill('SIGTERM');
    const code = await new Promise((resolve) => child.once('exit', resolve));
    assert.equal(code, 0, output);
  });

  it('a second run changes nothing and says so, and keeps an edited global.yaml', () => {
    const globalFile = path.join(stage, 'etc/routex/global.yaml');
    writeFileSync(globalFile, `${readFileSync(globalFile, 'utf8')}# edited by the operator\n`);
    const before = manifest(stage);
    const second = install(src, ['--root', stage]);
    assert.equal(second.status, 0, second.output);
    assert.match(second.output, /nothing changed: RouteX is already installed in .* and up to date/);
    assert.doesNotMatch(second.output, /done:/);
    assert.deepEqual(manifest(stage), before);
    assert.match(readFileSync(globalFile, 'utf8'), /# edited by the operator\n$/);
  });

  it('a changed source file is copied on the next run, and nothing else', () => {
    writeFileSync(path.join(src, 'README.md'), `${readFileSync(path.join(src, 'README.md'), 'utf8')}\nchanged\n`);
    const run = install(src, ['--root', stage]);
    assert.equal(run.status, 0, run.output);
    assert.deepEqual(run.output.split('\n').filter((l) => l.includes('done:')), ['[routex]   done: copied README.md']);
    assert.match(readFileSync(path.join(stage, 'opt/routex/README.md'), 'utf8'), /\nchanged\n$/);
  });

  it('--dry-run prints the actions and changes nothing', () => {
    const fresh = path.join(work, 'dry');
    const run = install(src, ['--root', fresh, '--dry-run']);
    assert.equal(run.status, 0, run.output);
    assert.match(run.output, /would: npm ci --omit=dev/);
    assert.match(run.output, /would: created \/etc\/routex\/global\.yaml/);
    assert.match(run.output, /dry run: \d+ change\(s\) would be made; nothing was changed/);
    assert.ok(!existsSync(fresh), 'dry run created the staging root');
  });

  it('tells the distribution families apart from /etc/os-release', () => {
    const families = [
      ['ubuntu', 'ID=ubuntu\nID_LIKE=debian\nPRETTY_NAME="Ubuntu 24.04 LTS"\n', 'debian family, apt, systemd'],
      ['rocky', 'ID="rocky"\nID_LIKE="rhel centos fedora"\nPRETTY_NAME="Rocky Linux 9.4"\n', 'rhel family, dnf, systemd'],
      ['amzn', 'ID="amzn"\nID_LIKE="fedora"\nPRETTY_NAME="Amazon Linux 2023"\n', 'rhel family, dnf, systemd'],
      ['fedora', 'ID=fedora\nPRETTY_NAME="Fedora Linux 41"\n', 'rhel family, dnf, systemd'],
      ['manjaro', 'ID=manjaro\nID_LIKE=arch\nPRETTY_NAME="Manjaro Linux"\n', 'arch family, pacman, systemd'],
      ['alpine', 'ID=alpine\nPRETTY_NAME="Alpine Linux v3.21"\n', 'alpine family, apk, openrc'],
    ] as const;
    for (const [name, text, expected] of families) {
      const run = install(src, ['--root', path.join(work, `dry-${name}`), '--dry-run', '--os-release', osRelease(work, name, text)]);
      assert.equal(run.status, 0, run.output);
      assert.match(run.output, new RegExp(`distribution: .*\\(${expected}\\)`), name);
      if (name === 'alpine') assert.match(run.output, /would: wrote \/etc\/init\.d\/routex/);
    }
    const unknown = install(src, ['--root', path.join(work, 'dry-x'), '--dry-run', '--os-release', osRelease(work, 'gentoo', 'ID=gentoo\nPRETTY_NAME="Gentoo"\n')]);
    assert.equal(unknown.status, 1);
    assert.match(unknown.output, /unsupported distribution 'Gentoo'/);
  });

  it('--uninstall removes the app and the unit but keeps config and state; --purge removes those', () => {
    const removed = install(src, ['--root', stage, '--uninstall']);
    assert.equal(removed.status, 0, removed.output);
    for (const gone of ['opt/routex', 'usr/local/bin/routex', 'etc/systemd/system/routex.service', 'etc/systemd/system/multi-user.target.wants/routex.service']) {
      assert.ok(!existsSync(path.join(stage, gone)), `${gone} still there`);
    }
    assert.ok(existsSync(path.join(stage, 'etc/routex/global.yaml')));
    assert.ok(existsSync(path.join(stage, 'var/lib/routex')));
    assert.match(removed.output, /kept: \/etc\/routex/);
    const again = install(src, ['--root', stage, '--uninstall']);
    assert.match(again.output, /nothing changed: RouteX is already uninstalled/);
    const purged = install(src, ['--root', stage, '--uninstall', '--purge']);
    assert.equal(purged.status, 0, purged.output);
    assert.ok(!existsSync(path.join(stage, 'etc/routex')));
    assert.ok(!existsSync(path.join(stage, 'var/lib/routex')));
  });
});
