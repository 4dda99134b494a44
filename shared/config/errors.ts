// Configuration problems, reported all at once with the file, the YAML path and the reason, so an
// operator can fix a file in one pass.

/** One problem in one file. `path` is a dotted YAML path: `timeouts.client_read`, `acl.rules[2].cidr`. */
export interface ConfigIssue {
  file: string;
  path: string;
  message: string;
}

/** `<file>: <path>: <message>`; the path is left out when the problem concerns the whole file. */
export function formatIssue(issue: ConfigIssue): string {
  return issue.path === ''
    ? `${issue.file}: ${issue.message}`
    : `${issue.file}: ${issue.path}: ${issue.message}`;
}

/** Thrown by callers that cannot go on with an invalid file (e.g. global.yaml at start). */
export class ConfigError extends Error {
  readonly code = 'ERR_CONFIG_INVALID';
  readonly issues: ConfigIssue[];

  constructor(issues: ConfigIssue[]) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super(`invalid configuration (${count}):\n${issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}
