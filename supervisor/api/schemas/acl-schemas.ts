// Request and response shapes of the ACL routes. The request schemas both document the routes
// and validate the bodies (with the config's own ajv, so `cidr` is checked by the same parser as
// in the YAML files); the rule schema is the config's.
import { Type } from '@sinclair/typebox';
import { ACL_ACTIONS, AclRuleSchema } from '../../../shared/config/schema-acl.js';
import { Choice, Whole } from '../../../shared/config/schema-common.js';

const Action = Type.Union(ACL_ACTIONS.map((a) => Type.Literal(a)));

// ── Requests ─────────────────────────────────────────────────────────────────────────────────

export const AclRuleBody = Type.Object(
  {
    ...AclRuleSchema.properties,
    position: Whole('Where to insert the rule: 0 puts it first (it then decides before every other rule); absent appends it last.'),
  },
  { additionalProperties: false, description: 'One rule, as in the YAML files, with an optional position.' },
);

export const AclRuleList = Type.Object(
  { rules: Type.Array(AclRuleSchema, { description: 'The new rules, in order; the first whose cidr contains the client decides.' }) },
  { additionalProperties: false },
);

export const AclReplaceBody = Type.Union([Type.Array(AclRuleSchema), AclRuleList], {
  description: 'The complete new rule list: a JSON array of rules (as the Go API took it), or `{"rules": [...]}`.',
});

export const AclSettingsBody = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean({ description: 'Turns the ACL on or off (the rules are kept either way).' })),
    default_action: Type.Optional(Choice(ACL_ACTIONS, 'allow (blacklist mode) or deny (whitelist mode): what happens to a client no rule matches.')),
    close_existing_on_deny: Type.Optional(Type.Boolean({ description: 'Whether a change that denies a client also closes its live connections.' })),
  },
  // No defaults here: a key left out keeps its value in the file.
  { additionalProperties: false, minProperties: 1, description: 'The settings to change; the others keep their value.' },
);

// ── Responses ────────────────────────────────────────────────────────────────────────────────

const RuleView = Type.Object(
  {
    action: Action,
    cidr: Type.String({ description: 'As written in the file.' }),
    comment: Type.String(),
    hits: Type.Integer({ description: 'Connections and UDP sessions this rule decided since the supervisor started (0 for a rule shadowed by an earlier one with the same cidr).' }),
  },
  { additionalProperties: false },
);

const Stats = Type.Object(
  {
    allowed: Type.Integer({ description: 'New connections/sessions this ACL let through (counted while it has rules or denies by default).' }),
    denied: Type.Integer({ description: 'New connections/sessions this ACL refused.' }),
  },
  { additionalProperties: false },
);

export const AclView = Type.Object(
  {
    name: Type.Optional(Type.String({ description: 'The proxy (absent for the global ACL).' })),
    enabled: Type.Boolean(),
    default_action: Action,
    close_existing_on_deny: Type.Boolean(),
    rules: Type.Array(RuleView),
    stats: Stats,
  },
  { additionalProperties: false },
);

const Names = (description: string) => Type.Array(Type.String(), { description });

export const WorkersReport = Type.Object(
  {
    updated: Names('Proxies whose running worker enforces the new ACL.'),
    not_running: Names('Proxies with no running worker (disabled, failed, starting): they get the new ACL when they start.'),
    stale: Names('Proxies running an older config because their file now has errors: they keep their previous ACL until the file is fixed.'),
  },
  { additionalProperties: false, description: 'Where the change took effect. The answer is sent once the workers have it.' },
);

function changeReply(field: Record<string, ReturnType<typeof Type.Integer> | ReturnType<typeof Type.Literal>>) {
  return Type.Object(
    {
      ...field,
      acl: AclView,
      workers: WorkersReport,
      warning: Type.Optional(Type.String({ description: 'Set when the change has no effect yet, e.g. rules added to a disabled ACL.' })),
    },
    { additionalProperties: false },
  );
}

export const AclAddedReply = changeReply({ status: Type.Literal('added') });
export const AclRemovedReply = changeReply({ removed: Type.Integer({ description: 'Rules removed (every rule with that cidr; a bare IP and its /32 or /128 are the same).' }) });
export const AclReplacedReply = changeReply({ count: Type.Integer({ description: 'Rules in the new list.' }) });
export const AclUpdatedReply = changeReply({ status: Type.Literal('updated') });
