'use strict';
// Node.js version of `l4bench tcp-rr`, only to check whether a Node load generator would be
// the bottleneck.  usage: node tools/node-rr.cjs HOST PORT CONNS SECS SIZE
const net = require('net');
const [host, port, conns, secs, size] = process.argv.slice(2).map((v, i) => (i ? Number(v) : v));
const msg = Buffer.alloc(size, 'x');
let ops = 0, measuring = false;
const lat = [];
for (let i = 0; i < conns; i++) {
  const s = net.connect({ host, port, noDelay: true }, () => { t0 = process.hrtime.bigint(); s.write(msg); });
  let got = 0, t0 = 0n;
  s.on('data', (d) => {
    got += d.length;
    if (got < size) return;
    got = 0;
    const t = process.hrtime.bigint();
    if (measuring) { ops++; lat.push(Number(t - t0) / 1000); }
    t0 = t; s.write(msg);
  });
  s.on('error', () => {});
}
setTimeout(() => { measuring = true; }, 1000);
setTimeout(() => {
  lat.sort((a, b) => a - b);
  console.log(`RESULT mode=node-tcp-rr ops=${ops} rate=${(ops / secs).toFixed(1)} p50_us=${lat[lat.length >> 1]?.toFixed(1)} p99_us=${lat[Math.floor(lat.length * 0.99)]?.toFixed(1)}`);
  process.exit(0);
}, 1000 + secs * 1000);
