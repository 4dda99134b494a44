// l7_protection: the in-process engine. Each part has its own `enabled` (default false), and
// nothing runs unless `l7_protection.enabled` is true as well.
import { Type } from '@sinclair/typebox';
import { Block, Choice, Decimal, Duration, Flag, Formatted, List, Whole } from './schema-common.js';

export const INSPECTION_MODES = ['minecraft-java', 'minecraft-bedrock', 'fivem', 'gmod', 'custom', 'none'] as const;

/** Events the L7 engine scores. Listed so that a misspelt event is an error, not a rule that never fires. */
export const SCORE_EVENTS = [
  'payload_too_small',
  'payload_too_large',
  'handshake_timeout',
  'slow_receive_rate',
  'invalid_protocol',
  'payload_rate_exceeded',
  'connection_cycling',
  'amplification_detected',
] as const;
export type ScoreEvent = (typeof SCORE_EVENTS)[number];

/** Points per event when score_rules does not list it: the spec's example values. */
export const BUILTIN_SCORES: Readonly<Record<ScoreEvent, number>> = {
  payload_too_small: 5,
  payload_too_large: 10,
  handshake_timeout: 20,
  slow_receive_rate: 20,
  invalid_protocol: 30,
  payload_rate_exceeded: 10,
  connection_cycling: 25,
  amplification_detected: 40,
};

const SlowConnectionSchema = Block(
  {
    enabled: Flag('Detects clients that connect and then send nothing or dribble bytes (Slowloris-style).', false),
    min_bytes_in_first: Whole('Bytes a client must send within handshake_timeout of connecting (at least 1).', 1),
    handshake_timeout: Duration('Longest wait, from the accept, for the first min_bytes_in_first bytes (and, with payload_inspection, for the whole first message); nothing is dialled before.', '5s'),
    min_recv_rate_bps: Whole('Lowest average rate a TCP client must keep sending at after its first bytes, in bytes per second over each 10 s window; 0 = off (idle game clients send little).', 0),
  },
  'Slow connection attack detection.',
);

const PayloadRateLimitSchema = Block(
  {
    enabled: Flag('Limits how fast clients may send payload bytes (token bucket).', false),
    max_bytes_per_sec_per_ip: Whole('Bytes per second from one source IP over all its connections; 0 = no limit.', 0),
    max_bytes_per_sec_per_conn: Whole('Bytes per second on one connection; 0 = no limit.', 0),
    burst_multiplier: Decimal('Burst allowance: the bucket holds this many seconds of the rate (at least 1).', 2),
  },
  'Payload rate limiting: TCP reads pause, UDP datagrams over the rate are dropped.',
);

const ConnectionCyclingSchema = Block(
  {
    enabled: Flag('Refuses and bans IPs that open connections (and UDP sessions) too fast.', false),
    window: Duration('Lookback period in which connections are counted.', '10s'),
    max_conns_in_window: Whole('Most connections one IP may open within window (at least 1).', 30),
    ban_duration: Duration('How long an IP over the limit is banned.', '60s'),
  },
  'Connection cycling detection.',
);

const CustomRuleSchema = Type.Object(
  {
    name: Formatted('non-blank', 'A name for the rule, shown in L7 events.'),
    match_offset: Whole('Position of the first compared byte in the payload.', 0, { maximum: 65_535 }),
    match_bytes: Formatted('hex-bytes', 'Bytes to compare, as a quoted string like "0x0F,0x10".'),
    action: Choice(['allow', 'drop'] as const, 'allow passes the client at once; drop blocks it at once.'),
  },
  { additionalProperties: false, description: 'One custom inspection rule.' },
);

const PayloadInspectionSchema = Block(
  {
    enabled: Flag('Checks the first bytes of each TCP connection and the first datagram of each UDP session.', false),
    mode: Type.Optional(Choice(INSPECTION_MODES, 'The protocol detector: minecraft-java, minecraft-bedrock, fivem, gmod, custom (rules below) or none.', 'none')),
    custom_rules: List(CustomRuleSchema, 'Rules used in custom mode, in order: the first match decides; no match allows.', []),
  },
  'Payload inspection against a game protocol.',
);

const AmplificationSchema = Block(
  {
    enabled: Flag('Flags UDP sessions whose upstream answers far more bytes than the client sends, until the client proves a round trip in its game (payload_inspection.mode).', false),
    max_response_to_request_ratio: Decimal('Response bytes per request byte above which a session is flagged (more than 0).', 10),
    window: Duration('Period over which the bytes are compared.', '5s'),
  },
  'Amplification detection (UDP).',
);

const ScoreRuleSchema = Type.Object(
  {
    event: Choice(SCORE_EVENTS, 'The L7 event scored.'),
    score: Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Points added to the source IP each time the event happens; 0 ignores it.' }),
  },
  { additionalProperties: false, description: 'Score points for one event.' },
);

const BehavioralScoringSchema = Block(
  {
    enabled: Flag('Adds points to an IP for each offence and bans it at a threshold.', false),
    score_window: Duration('Points older than this are forgotten.', '30s'),
    ban_threshold: Whole('Score at which an IP is banned and all its connections closed (at least 1).', 100),
    ban_duration: Duration('How long a scored-out IP is banned.', '120s'),
    score_rules: List(ScoreRuleSchema, 'Points per event; events not listed keep their built-in score (the spec\'s example values).', []),
  },
  'Behavioural scoring and automatic bans.',
);

export const L7Schema = Block(
  {
    enabled: Flag('Turns the L7 engine on for this proxy; when false none of its parts run.', false),
    slow_connection: SlowConnectionSchema,
    payload_rate_limit: PayloadRateLimitSchema,
    connection_cycling: ConnectionCyclingSchema,
    payload_inspection: PayloadInspectionSchema,
    amplification: AmplificationSchema,
    behavioral_scoring: BehavioralScoringSchema,
  },
  'In-process L7 protection.',
);
