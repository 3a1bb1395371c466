import { METADATA_LIMITS, RESERVED_METADATA_KEYS } from './metadata-rules';

/**
 * The bounds every IPC input must fit before anything parses it: one iterative walk that stops as
 * soon as a bound is passed, so its cost is bounded whatever arrives. The contract's schemas (zod)
 * come after it and judge what is valid; this only keeps hostile sizes cheap to refuse (a patch
 * of a million keys took seconds of main-thread time inside zod before the key count applied).
 *
 * The bounds sit well above the largest valid input, a user_metadata patch of at most 16 KB
 * (common/metadata-rules.ts): at two bytes per JSON value at least, such a patch holds fewer than
 * 8,200 values, nests at most 5 levels under the `{ patch }` wrapper, and carries at most 16 K
 * characters. No key reaching Object.prototype in a naive merge passes either: zod strips an own
 * "__proto__" from records silently, so it is refused here instead.
 *
 * Plain data and functions (no zod): main/ipc/invoke-wrapper.ts runs it on every call, and the
 * preload runs it before sending, so a page that can only call window.latchkey cannot make main
 * even receive a message past these bounds.
 */
export const INPUT_BOUNDS = {
  /** Values and keys together. */
  nodes: 10_000,
  /** A patch nests 5 levels under `{ patch: … }`: 7 in all. */
  depth: 16,
  /** Characters of every string and key together. */
  characters: 4 * METADATA_LIMITS.totalBytes,
} as const;

const TOO_LARGE = 'Invalid input. It is larger than any Latchkey request.';

/** Why `input` cannot even be parsed, or undefined when it fits the bounds. Never throws. */
export function inputBoundsProblem(input: unknown): string | undefined {
  try {
    return walk(input);
  } catch {
    // A getter or Proxy that throws: whatever it is, it is no plain data.
    return 'Invalid input. It is not plain data.';
  }
}

function walk(input: unknown): string | undefined {
  const stack: Array<{ value: unknown; depth: number }> = [{ value: input, depth: 0 }];
  let nodes = 0;
  let characters = 0;
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    nodes += 1;
    if (nodes > INPUT_BOUNDS.nodes) return TOO_LARGE;
    if (typeof value === 'string') {
      characters += value.length;
      if (characters > INPUT_BOUNDS.characters) return TOO_LARGE;
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= INPUT_BOUNDS.depth) return 'Invalid input. It is nested too deeply.';
    if (Array.isArray(value)) {
      // Refuses a long list before pushing its items; the check at the top of the loop would refuse
      // the same list once its items are counted, so only the cost depends on this line.
      // Stryker disable next-line ConditionalExpression,ArithmeticOperator: equivalent in outcome: the per-value check refuses the same input later
      if (nodes + value.length > INPUT_BOUNDS.nodes) return TOO_LARGE;
      for (const item of value) stack.push({ value: item, depth: depth + 1 });
      continue;
    }
    const keys = Object.keys(value);
    // Each entry counts its key here and its value when popped, so an object this check refuses is
    // refused by the per-value check too: this line only keeps a million keys from being pushed.
    // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: equivalent in outcome: the per-value check refuses the same input later
    if (nodes + keys.length > INPUT_BOUNDS.nodes) return TOO_LARGE;
    for (const key of keys) {
      if (RESERVED_METADATA_KEYS.has(key)) return `Invalid input. The key "${key}" is not allowed.`;
      characters += key.length;
      if (characters > INPUT_BOUNDS.characters) return TOO_LARGE;
      nodes += 1;
      stack.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1 });
    }
  }
  return undefined;
}
