import type { z } from 'zod';

const MAX_ISSUES = 3;
const MAX_SEGMENT = 40;
const MAX_MESSAGE = 160;

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * A readable one-line summary of zod issues for INVALID_INPUT. Bounded: hostile input (a 1 MB key,
 * thousands of issues) must not come back across IPC or into the log at full size.
 */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const parts = issues.slice(0, MAX_ISSUES).map((issue) => {
    const path = issue.path.map((segment) => clip(String(segment), MAX_SEGMENT)).join('.');
    const message = clip(issue.message, MAX_MESSAGE);
    return path ? `${path}: ${message}` : message;
  });
  const more = issues.length > MAX_ISSUES ? ` (and ${issues.length - MAX_ISSUES} more)` : '';
  return `Invalid input. ${parts.join('; ')}${more}`;
}
