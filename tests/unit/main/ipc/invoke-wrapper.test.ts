import { describe, expect, it } from 'vitest';
import { contract } from '../../../../common/contract';
import { describeIssues } from '../../../../main/ipc/invoke-wrapper';

function issuesOf(
  schema: { safeParse(input: unknown): { success: boolean; error?: { issues: unknown[] } } },
  input: unknown,
) {
  const result = schema.safeParse(input);
  expect(result.success).toBe(false);
  return result.error!.issues as Parameters<typeof describeIssues>[0];
}

describe('describeIssues (INVALID_INPUT messages)', () => {
  it('names the field and what is wrong', () => {
    const message = describeIssues(issuesOf(contract.signOut.input, { everywhere: 'yes' }));
    expect(message).toMatch(/^Invalid input\. everywhere: /);
    expect(message).toMatch(/boolean/);
  });

  it('never echoes a huge key or value back', () => {
    const hugeKey = 'k'.repeat(100_000);
    const message = describeIssues(
      issuesOf(contract.signOut.input, { everywhere: true, [hugeKey]: 'x'.repeat(100_000) }),
    );
    expect(message.length).toBeLessThan(500);
  });

  it('summarises many issues as the first three and a count', () => {
    const patch = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`bad.key ${i}`, 1]));
    const message = describeIssues(issuesOf(contract.updateMetadata.input, { patch }));
    expect(message).toMatch(/\(and \d+ more\)$/);
    expect(message.length).toBeLessThan(800);
  });
});
