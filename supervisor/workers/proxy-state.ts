/** Where a proxy is in its life, as the API shows it (`state`). */
export const PROXY_STATES = ['starting', 'running', 'backoff', 'failed', 'stopping', 'stopped', 'disabled', 'invalid'] as const;
export type ProxyState = (typeof PROXY_STATES)[number];

/** What applying a config to a proxy did. */
export const APPLY_OUTCOMES = ['unchanged', 'reconfigured', 'restarted', 'started'] as const;
export type ApplyOutcome = (typeof APPLY_OUTCOMES)[number];
