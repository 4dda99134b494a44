// Reads `iptables-save -c -t filter` output: the chains and every rule with its packet/byte
// counters, comment and target. Rules are found by comment, never by comparing rule text:
// iptables-save normalises what it prints (adds `-m tcp`, default bursts, hex in u32).

export interface SavedRule {
  chain: string;
  /** The rule as saved, after `-A <chain> `: fed back verbatim to `-D <chain>`. */
  spec: string;
  comment: string | null;
  target: string | null;
  packets: number;
  bytes: number;
}

export interface SavedTable {
  chains: Set<string>;
  rules: SavedRule[];
}

/** Splits a saved rule into arguments the way iptables-restore does: double quotes, backslash escapes. */
export function tokenize(line: string): string[] {
  const tokens: string[] = [];
  let current = '';
  let inToken = false;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && i + 1 < line.length) {
      current += line[++i];
      inToken = true;
    } else if (c === '"') {
      quoted = !quoted;
      inToken = true;
    } else if (!quoted && (c === ' ' || c === '\t')) {
      if (inToken) tokens.push(current);
      current = '';
      inToken = false;
    } else {
      current += c;
      inToken = true;
    }
  }
  if (inToken) tokens.push(current);
  return tokens;
}

const COUNTED_RULE = /^\[(\d+):(\d+)\]\s+-A\s+(\S+)\s+(.*)$/;
const PLAIN_RULE = /^-A\s+(\S+)\s+(.*)$/;

function valueAfter(tokens: string[], flag: string): string | null {
  const at = tokens.indexOf(flag);
  return at >= 0 && at + 1 < tokens.length ? tokens[at + 1]! : null;
}

function parseRule(line: string): SavedRule | null {
  const counted = COUNTED_RULE.exec(line);
  const plain = counted === null ? PLAIN_RULE.exec(line) : null;
  if (counted === null && plain === null) return null;
  const [chain, spec] = counted !== null ? [counted[3]!, counted[4]!] : [plain![1]!, plain![2]!];
  const tokens = tokenize(spec);
  return {
    chain,
    spec: spec.trimEnd(),
    comment: valueAfter(tokens, '--comment'),
    target: valueAfter(tokens, '-j') ?? valueAfter(tokens, '-g'),
    packets: counted !== null ? Number(counted[1]) : 0,
    bytes: counted !== null ? Number(counted[2]) : 0,
  };
}

/** The `*filter` table of an iptables-save dump (other tables are ignored). */
export function parseSave(text: string): SavedTable {
  const table: SavedTable = { chains: new Set(), rules: [] };
  let inFilter = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('*')) inFilter = line === '*filter';
    else if (!inFilter || line === '' || line.startsWith('#')) continue;
    else if (line === 'COMMIT') inFilter = false;
    else if (line.startsWith(':')) table.chains.add(line.slice(1).split(/\s+/)[0]!);
    else {
      const rule = parseRule(line);
      if (rule !== null) table.rules.push(rule);
    }
  }
  return table;
}
