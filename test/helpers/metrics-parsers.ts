/** Small, strict readers of the four metrics formats, so tests compare numbers, not text. */

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text format: samples (HELP/TYPE lines and blank lines skipped). Label values unescaped. */
export function parsePrometheus(text: string): PromSample[] {
  const samples: PromSample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (match === null) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    const labelText = match[3] ?? '';
    const labelPattern = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g;
    for (const m of labelText.matchAll(labelPattern)) labels[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    samples.push({ name: match[1]!, labels, value: Number(match[4]) });
  }
  return samples;
}

/** Sum of a Prometheus family's samples whose labels include `where`. */
export function promSum(samples: PromSample[], name: string, where: Record<string, string> = {}): number {
  return samples.filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);
}

export interface InfluxLine {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, number>;
  timestamp: bigint;
}

function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      current += c + text[i + 1];
      i++;
    } else if (c === separator) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

const unescape = (s: string): string => s.replace(/\\(.)/g, '$1');

/** Influx line protocol as RouteX writes it: integer fields (`42i`), and floats for durations in seconds (`0.012`). */
export function parseInflux(text: string): InfluxLine[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((line) => {
      const [head, fieldText, ts, ...rest] = splitUnescaped(line, ' ');
      if (head === undefined || fieldText === undefined || ts === undefined || rest.length > 0) throw new Error(`bad line: ${line}`);
      const [measurement, ...tagParts] = splitUnescaped(head, ',');
      const tags = Object.fromEntries(tagParts.map((p) => splitUnescaped(p, '=').map(unescape) as [string, string]));
      const fields: Record<string, number> = {};
      for (const part of splitUnescaped(fieldText, ',')) {
        const [key, value] = splitUnescaped(part, '=');
        const integer = /^-?\d+i$/.test(value ?? '');
        if (!integer && !(key!.endsWith('_seconds') && /^\d+(\.\d+)?(e-?\d+)?$/.test(value ?? ''))) throw new Error(`field ${key} is not an integer: ${value}`);
        fields[unescape(key!)] = Number(integer ? value!.slice(0, -1) : value);
      }
      return { measurement: unescape(measurement!), tags, fields, timestamp: BigInt(ts) };
    });
}

/** RFC 4180: quoted fields may hold commas, doubled quotes and line breaks; records end with CRLF. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else if (c === '\n') throw new Error('a bare LF ends a CSV record (RFC 4180 wants CRLF)');
    else field += c;
  }
  if (field !== '' || row.length > 0) throw new Error('the last CSV record has no CRLF');
  return rows;
}

/** CSV rows as objects keyed by the header. */
export function csvRecords(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])));
}
