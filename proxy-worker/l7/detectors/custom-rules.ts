// `mode: custom`: the operator's byte rules, in order. A rule matches when the bytes at its
// offset equal its bytes; the first rule that matches decides (allow passes, drop rejects); no
// match allows. Over TCP a rule is skipped as soon as a byte differs, and waited for only while
// the bytes that arrived agree with it so far.
import type { CustomInspectionRule } from '../../../shared/config/resolved-types.js';
import type { Verdict } from './verdict.js';

interface CompiledRule {
  name: string;
  offset: number;
  bytes: Uint8Array;
  allow: boolean;
}

const MATCH = 1;
const MISMATCH = 0;
const UNDECIDED = -1;

export class CustomRules {
  private readonly rules: CompiledRule[];
  /** The name of the rule that decided the last verdict, or '' when none matched. */
  decidedBy = '';
  /** How many bytes the rules may need: the furthest end of any rule. */
  readonly reach: number;

  constructor(rules: readonly CustomInspectionRule[]) {
    this.rules = rules.map((rule) => ({ name: rule.name, offset: rule.matchOffset, bytes: Uint8Array.from(rule.matchBytes), allow: rule.action === 'allow' }));
    this.reach = this.rules.reduce((reach, rule) => Math.max(reach, rule.offset + rule.bytes.length), 0);
  }

  readonly inspect = (bytes: Uint8Array, start: number, end: number, complete: boolean): Verdict => {
    this.decidedBy = '';
    for (const rule of this.rules) {
      const outcome = compare(bytes, start + rule.offset, end, rule.bytes);
      if (outcome === UNDECIDED) {
        if (!complete) return 'need-more';
        continue;
      }
      if (outcome === MISMATCH) continue;
      this.decidedBy = rule.name;
      return rule.allow ? 'pass' : 'invalid_protocol';
    }
    return 'pass';
  };
}

function compare(bytes: Uint8Array, at: number, end: number, expected: Uint8Array): number {
  const available = Math.max(0, Math.min(expected.length, end - at));
  for (let i = 0; i < available; i++) if (bytes[at + i] !== expected[i]) return MISMATCH;
  return available === expected.length ? MATCH : UNDECIDED;
}
