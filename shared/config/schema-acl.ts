// The ACL block, the same shape in global.yaml and in a proxy file.
import { Type } from '@sinclair/typebox';
import { Block, Choice, Flag, Formatted, List, Text } from './schema-common.js';

export const ACL_ACTIONS = ['allow', 'deny'] as const;

export const AclRuleSchema = Type.Object(
  {
    action: Choice(ACL_ACTIONS, 'allow lets a matching client in; deny drops its connection or datagram.'),
    cidr: Formatted('cidr', 'The clients the rule matches: a CIDR like "10.0.0.0/8" or "2001:db8::/32", or a single IP; IPv4 rules also match IPv4-mapped IPv6 clients.'),
    comment: Text('Free text kept with the rule and shown by the API, such as why it exists.', ''),
  },
  { additionalProperties: false, description: 'One ACL rule.' },
);

const defaultAction = Choice(ACL_ACTIONS, 'What happens to a client that no rule matches: allow (blacklist mode) or deny (whitelist mode).', 'allow');
const rules = List(AclRuleSchema, 'Rules checked in order; the first whose cidr contains the client decides.', []);
const closeExistingOnDeny = Flag(
  'When the ACL changes (file edit, reload or API), live connections and UDP sessions of clients it now denies are closed at once; false leaves them running and only refuses new ones.',
  true,
);

export const GlobalAclSchema = Block(
  {
    enabled: Flag('Turns the global ACL on; it is checked before every proxy\'s own ACL, and a deny here is final.', false),
    default_action: Type.Optional(defaultAction),
    rules,
    close_existing_on_deny: closeExistingOnDeny,
  },
  'Access control for every proxy, checked first.',
);

export const ProxyAclSchema = Block(
  {
    enabled: Flag('Turns this proxy\'s ACL on (an addition to the spec; set false to keep the rules but not apply them).', true),
    default_action: Type.Optional(defaultAction),
    rules,
    close_existing_on_deny: closeExistingOnDeny,
  },
  'Access control for this proxy, checked after the global ACL.',
);
