// Run as `node --expose-gc --max-semi-space-size=64 header-allocation-probe.js <kind>`: prints the
// heap bytes one encode call of that header kind leaves behind next to those of
// `Buffer.allocUnsafe` of the same size alone. The young generation is large enough that no
// collection runs while a loop is measured, so every allocation a call makes is counted. One kind
// per process: a loop calling several encoders would measure its own polymorphism.
import { encodeV1, encodeV2, type Endpoint } from '../../proxy-worker/proxy-protocol/header-encoder.js';
import { UniqueIds } from '../../proxy-worker/proxy-protocol/unique-ids.js';

const CALLS = 20_000;
const kept: unknown[] = new Array<unknown>(CALLS).fill(null);
const gc = (globalThis as { gc?: () => void }).gc;

/** The least of three measured loops: a buffer pool refilled mid-loop only ever adds. */
function bytesPerCall(call: (i: number) => unknown): number {
  for (let i = 0; i < CALLS; i++) kept[i] = call(10_000 + i); // warm up: compiled code, not the interpreter
  kept.fill(null);
  if (gc === undefined) throw new Error('run with --expose-gc');
  let least = Infinity;
  for (let round = 0; round < 3; round++) {
    gc!();
    gc!();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < CALLS; i++) kept[i] = call(10_000 + i);
    const after = process.memoryUsage().heapUsed;
    kept.fill(null);
    least = Math.min(least, (after - before) / CALLS);
  }
  return least;
}

const ids = new UniqueIds('9f0c2a71');
const client4: Endpoint = { ip: '127.0.0.2', port: 51000 };
const listener4: Endpoint = { ip: '127.0.0.1', port: 25565 };
const client6: Endpoint = { ip: '2001:db8::1', port: 51000 };
const listener6: Endpoint = { ip: '::1', port: 25565 };

const kinds: Record<string, (i: number) => Buffer> = {
  'v2 TCP4 + UNIQUE_ID': (i) => encodeV2('tcp', client4, listener4, ids, i),
  'v2 UDP6': () => encodeV2('udp', client6, listener6),
  'v2 TCP4 for an IPv4 client on an IPv6 listener': () => encodeV2('tcp', client4, listener6),
  'v1 TCP4': () => encodeV1(client4, listener4),
  'v1 TCP6': () => encodeV1(client6, listener6),
};

export const HEADER_KINDS = Object.keys(kinds);

const kind = process.argv[2];
if (kind !== undefined) {
  const encode = kinds[kind];
  if (encode === undefined) throw new Error(`unknown kind "${kind}"; one of: ${HEADER_KINDS.join(', ')}`);
  const size = encode(10_000).length;
  const encodeBytes = bytesPerCall(encode);
  const bufferOnlyBytes = bytesPerCall(() => Buffer.allocUnsafe(size));
  process.stdout.write(JSON.stringify({ encode: encodeBytes, bufferOnly: bufferOnlyBytes }));
}
