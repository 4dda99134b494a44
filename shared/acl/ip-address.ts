// IP addresses as numbers, parsed without allocating: an IPv4 address is one unsigned 32-bit
// value, an IPv6 address four of them (most significant first) written into a caller's array.
// These run on every new connection, so they walk the characters once and build no strings.

const DOT = 46;
const COLON = 58;

/** `"10.1.2.3"` → 0x0a010203; -1 when `text[start, end)` is not a dotted-quad IPv4 address. */
export function parseIpv4(text: string, start = 0, end = text.length): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits > 0 && part === 0) return -1; // leading zero, as node:net refuses too
      part = part * 10 + (c - 48);
      if (part > 255) return -1;
      digits++;
    } else if (c === DOT) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else {
      return -1;
    }
  }
  if (digits === 0 || dots !== 3) return -1;
  return value * 256 + part;
}

/** Character code → hex digit value, -1 for anything else (codes past 127 included). */
const HEX = new Int8Array(128).fill(-1);
for (let d = 0; d < 16; d++) {
  HEX['0123456789abcdef'.charCodeAt(d)] = d;
  HEX['0123456789ABCDEF'.charCodeAt(d)] = d;
}

function hexValue(c: number): number {
  return c < 128 ? HEX[c]! : -1;
}

const groups = new Uint16Array(8);

/**
 * Parses an IPv6 address (`::` compression, a dotted IPv4 tail, a `%zone` suffix ignored) into
 * `out[0..3]`. Returns false, leaving `out` undefined, when the text is not an IPv6 address.
 */
export function parseIpv6(text: string, out: Uint32Array): boolean {
  let end = text.indexOf('%');
  if (end === -1) end = text.length;
  let count = 0;
  let gap = -1;
  let i = 0;
  if (end >= 2 && text.charCodeAt(0) === COLON) {
    if (text.charCodeAt(1) !== COLON) return false;
    gap = 0;
    i = 2;
  }
  while (i < end) {
    let value = 0;
    let j = i;
    for (; j < end; j++) {
      const h = hexValue(text.charCodeAt(j));
      if (h < 0) break;
      value = value * 16 + h;
      if (j - i >= 4) return false;
    }
    if (j < end && text.charCodeAt(j) === DOT) {
      const v4 = count <= 6 ? parseIpv4(text, i, end) : -1;
      if (v4 < 0) return false;
      groups[count++] = Math.floor(v4 / 65536);
      groups[count++] = v4 % 65536;
      break;
    }
    if (j === i || count === 8) return false;
    groups[count++] = value;
    if (j === end) break;
    if (text.charCodeAt(j) !== COLON || ++j === end) return false;
    if (text.charCodeAt(j) === COLON) {
      if (gap !== -1) return false;
      gap = count;
      j++;
    }
    i = j;
  }
  if (gap === -1 ? count !== 8 : count > 7) return false;
  if (gap !== -1) {
    const tail = count - gap;
    for (let k = 0; k < tail; k++) groups[7 - k] = groups[count - 1 - k]!;
    for (let k = gap; k < 8 - tail; k++) groups[k] = 0;
  }
  for (let w = 0; w < 4; w++) out[w] = groups[2 * w]! * 65536 + groups[2 * w + 1]!;
  return true;
}

/** True for `::ffff:a.b.c.d` held in four words: the IPv4 address is `words[3]`. */
export function isV4Mapped(words: Uint32Array): boolean {
  return words[0] === 0 && words[1] === 0 && words[2] === 0xffff;
}

export function formatIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** RFC 5952 text: lowercase, no leading zeros, the longest run of two or more zero groups as `::`. */
export function formatIpv6(words: ArrayLike<number>): string {
  const parts: number[] = [];
  for (let w = 0; w < 4; w++) parts.push(words[w]! >>> 16, words[w]! & 0xffff);
  let bestStart = -1;
  let bestLength = 1;
  for (let k = 0; k < 8; ) {
    if (parts[k] !== 0) {
      k++;
      continue;
    }
    let run = k;
    while (run < 8 && parts[run] === 0) run++;
    if (run - k > bestLength) [bestStart, bestLength] = [k, run - k];
    k = run;
  }
  const hex = parts.map((p) => p.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
