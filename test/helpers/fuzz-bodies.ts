// Generated request bodies for the API fuzz test: random JSON and YAML shapes, sizes and depths,
// unicode, numbers at the edges, garbage bytes, and near-valid configs with one thing wrong.
// Deterministic for a seed, so a failure can be replayed.
import YAML from 'yaml';
import { seededRandom } from './seeded-random.js';

export interface FuzzBody {
  what: string;
  contentType: string;
  body: Buffer;
}

const EDGE_NUMBERS = [0, -0, 1, -1, 0.5, 65535, 65536, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53 - 1, 2 ** 53 + 2, -(2 ** 53), 1e308, -1e308, 5e-324, 1e21, 1e-7];
const EDGE_STRINGS = ['', ' ', '0', 'null', 'true', 'yes', '~', '*', '&a', '!!js/function', '0.0.0.0', '::', '10.0.0.0/8', '1.2.3.4/33', '25565:35565', '1:65535',
  'caf\u00e9', '\u{1F600}', '\u202Eevil', '\u0000', '\u001b[31m', '\ud800', '\udfff', 'a'.repeat(5000), '__proto__', 'constructor', '../../etc/passwd', '%s%n', '\r\n'];
const KEYS = ['name', 'enabled', 'origin-ip', 'origin-port', 'dest-ip', 'dest-port', 'protocol', 'one-to-one', 'acl', 'rules', 'action', 'cidr', 'comment', 'position',
  'default_action', 'close_existing_on_deny', 'load_balancing', 'algorithm', 'timeouts', 'l7_protection', 'rate_limits', 'metadata', 'tags', 'max_listeners', '__proto__', 'constructor', 'prototype'];

const BASE_PROXY = { name: 'fz', enabled: false, 'origin-ip': '127.0.0.1', 'origin-port': 40100, 'dest-ip': '127.0.0.1', 'dest-port': 40200, protocol: 'tcp' };

/** Values per generated body at most (a body stays well under a megabyte or two). */
const NODE_BUDGET = 20_000;

export class BodyFuzzer {
  private readonly random: () => number;
  private budget = NODE_BUDGET;

  constructor(seed: number) {
    this.random = seededRandom(seed);
  }

  next(): FuzzBody {
    this.budget = NODE_BUDGET;
    const kind = this.int(10);
    if (kind < 4) return this.json('random JSON', this.value(this.int(4) === 0 ? 40 : 6));
    if (kind < 6) return this.json('near-valid proxy', this.mutated(BASE_PROXY));
    if (kind === 6) return this.json('near-valid ACL body', this.mutated(this.pick([{ action: 'deny', cidr: '10.0.0.0/8' }, { rules: [{ action: 'allow', cidr: '192.168.0.0/16' }] }, { enabled: true, default_action: 'deny' }])));
    if (kind === 7) return this.yaml();
    if (kind === 8) return { what: 'garbage bytes', contentType: this.pick(['application/json', 'application/yaml', 'text/plain']), body: this.bytes(this.int(4) === 0 ? 200_000 : 300) };
    return { what: 'truncated JSON', contentType: 'application/json', body: this.truncated() };
  }

  private int(below: number): number {
    return Math.floor(this.random() * below);
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  private json(what: string, value: unknown): FuzzBody {
    return { what, contentType: 'application/json', body: Buffer.from(JSON.stringify(value) ?? 'null') };
  }

  private scalar(): unknown {
    switch (this.int(6)) {
      case 0:
        return this.pick(EDGE_NUMBERS);
      case 1:
        return this.pick(EDGE_STRINGS);
      case 2:
        return this.random() < 0.5;
      case 3:
        return null;
      case 4:
        return String.fromCodePoint(...Array.from({ length: this.int(20) }, () => this.int(0x2ffff)).filter((c) => c < 0xd800 || c > 0xdfff));
      default:
        return this.random() * 10 ** this.int(20) * (this.random() < 0.5 ? -1 : 1);
    }
  }

  /** A random value: deep chains, wide objects or long lists now and then. */
  private value(depth: number): unknown {
    if (--this.budget <= 0 || depth <= 0 || this.int(3) === 0) return this.scalar();
    const shape = this.int(10);
    const wide = 500 + this.int(5000);
    if (shape < 2 && wide < this.budget) {
      this.budget -= wide;
      return shape === 0 ? Object.fromEntries(Array.from({ length: wide }, (_, i) => [`k${i}`, i])) : Array.from({ length: wide }, () => this.int(1000));
    }
    if (shape < 6) return Array.from({ length: this.int(4) }, () => this.value(depth - 1));
    return Object.fromEntries(Array.from({ length: 1 + this.int(5) }, () => [this.int(3) === 0 ? String(this.scalar()) : this.pick(KEYS), this.value(depth - 1)]));
  }

  /** `base` with one key set to a random value, removed, or added. */
  private mutated(base: Record<string, unknown>): Record<string, unknown> {
    const copy: Record<string, unknown> = { ...base, name: `fz${this.int(1000)}` };
    const key = this.int(3) === 0 ? this.pick(KEYS) : this.pick(Object.keys(base));
    if (this.int(4) === 0) delete copy[key];
    else copy[key] = this.value(3);
    return copy;
  }

  private yaml(): FuzzBody {
    let text = YAML.stringify(this.int(2) === 0 ? this.mutated(BASE_PROXY) : this.value(5)) ?? '';
    if (this.int(3) === 0) text = `base: &a ${JSON.stringify(this.value(2))}\nuses: [${Array.from({ length: this.int(150) }, () => '*a').join(', ')}]\n${text}`;
    if (this.int(3) === 0) text = `${text}${this.pick(['!!binary AAAA', '? [a, b]\n: c', 'x: !!set {a, b}', 'y: !!omap [a: 1]', '%YAML 1.1\n---\nz: 1', '[[[[[[', '{a: {b: {c:', '--- |\n  text', 'key: "\\ud800"'])}\n`;
    return { what: 'YAML', contentType: this.pick(['application/yaml', 'text/yaml', 'text/plain']), body: Buffer.from(text) };
  }

  private bytes(length: number): Buffer {
    const buffer = Buffer.alloc(length);
    for (let i = 0; i < length; i++) buffer[i] = this.int(256);
    return buffer;
  }

  private truncated(): Buffer {
    const text = JSON.stringify(this.mutated(BASE_PROXY));
    return Buffer.from(text.slice(0, this.int(text.length)));
  }
}
