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
