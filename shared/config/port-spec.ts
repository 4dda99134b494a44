// Port specs as the spec writes them: `25565`, `"25565:25575"`, and comma lists such as
// `"25565,25570,27015:27020"` (which the Go original accepted). Order is kept as written, because
// one-to-one mode pairs origin and dest ports by position; repeated ports are dropped.
import { fail, ok, type Parsed } from './parsed.js';

const DIGITS = /^\d+$/;

/** Expands a port spec into its ports, in written order, without duplicates. */
export function parsePortSpec(spec: string | number): Parsed<number[]> {
  if (typeof spec === 'number') {
    return Number.isInteger(spec) ? single(spec, String(spec)) : fail(`invalid port "${spec}": must be a whole number`);
  }
  const parts = spec.split(',').map((part) => part.trim()).filter((part) => part !== '');
  if (parts.length === 0) return fail('must not be empty (write a port like "25565" or a range like "25565:25575")');
  const ports = new Set<number>();
  for (const part of parts) {
    const parsed = part.includes(':') ? range(part) : single(DIGITS.test(part) ? Number(part) : NaN, part);
    if (!parsed.ok) return parsed;
    for (const port of parsed.value) ports.add(port);
  }
  return ok([...ports]);
}

function single(port: number, text: string): Parsed<number[]> {
  if (Number.isNaN(port)) return fail(`invalid port "${text}": expected a number like 25565 or a range like 25565:25575`);
  if (port < 1 || port > 65535) return fail(`port ${text} is out of range 1-65535`);
  return ok([port]);
}

function range(text: string): Parsed<number[]> {
  const [lowText = '', highText = ''] = text.split(':', 2).map((side) => side.trim());
  if (!DIGITS.test(lowText) || !DIGITS.test(highText) || text.split(':').length > 2) {
    return fail(`invalid port range "${text}": expected low:high, like 25565:25575`);
  }
  const low = Number(lowText);
  const high = Number(highText);
  for (const [port, side] of [[low, lowText], [high, highText]] as const) {
    if (port < 1 || port > 65535) return fail(`port ${side} in range "${text}" is out of range 1-65535`);
  }
  if (low >= high) {
    const hint = low === high ? ` (write a single port as "${low}")` : '';
    return fail(`invalid port range "${text}": low must be less than high${hint}`);
  }
  return ok(Array.from({ length: high - low + 1 }, (_, i) => low + i));
}
