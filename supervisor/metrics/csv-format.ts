import { METRIC_FAMILIES } from './metric-families.js';
import { samplesOf, totalsOf, type MetricsModel } from './metrics-model.js';

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8; header=present';

const HEADER = ['metric', 'scope', 'proxy', 'upstream', 'period', 'kind', 'route', 'value'];

/** RFC 4180: a field with a comma, quote, CR or LF is quoted, quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function row(fields: (string | number)[]): string {
  return `${fields.map((f) => csvField(String(f))).join(',')}\r\n`;
}

/**
 * RFC 4180 CSV (CRLF line ends, a header row): one row per value. `scope` says what a row
 * describes: `global` (supervisor values and totals across proxies, global model only),
 * `proxy`, `upstream`, `route`, `bandwidth`, `iptables`, `l7_reason` or `l7_event`; `kind` holds
 * the rule kind, the L7 reason or the L7 event type; the label columns a scope does not use are empty.
 */
export function renderCsv(model: MetricsModel): string {
  const rows = [row(HEADER)];
  if (model.supervisor !== null) {
    for (const family of METRIC_FAMILIES) if (family.scope === 'supervisor') rows.push(row([family.key, 'global', '', '', '', '', '', model.supervisor[family.key] ?? 0]));
    for (const [key, value] of Object.entries(totalsOf(model))) rows.push(row([key, 'global', '', '', '', '', '', value]));
  }
  for (const family of METRIC_FAMILIES) {
    if (family.scope === 'supervisor') continue;
    for (const { labels, value } of samplesOf(model, family)) {
      rows.push(row([family.key, family.scope, labels.proxy ?? '', labels.upstream ?? '', labels.period ?? '', labels.kind ?? labels.reason ?? labels.event ?? '', labels.route ?? '', value]));
    }
  }
  return rows.join('');
}
