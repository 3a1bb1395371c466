/**
 * Copies a handler's result into plain data before it crosses IPC. Electron's structured clone would
 * silently turn a class instance into a bare object (losing its prototype, getters and methods) or
 * throw on a function; a result like that is a bug, so it is refused here with a clear error instead.
 */
const MAX_DEPTH = 64;

export class NotPlainDataError extends Error {
  override readonly name = 'NotPlainDataError';
}

function copy(value: unknown, path: string, depth: number, seen: Set<object>): unknown {
  if (value === null || value === undefined) return value;
  switch (typeof value) {
    case 'string':
    // Stryker disable next-line ConditionalExpression: equivalent: emptied, it falls through to case 'number', which returns the value too
    case 'boolean':
      return value;
    case 'number':
      return value;
    case 'object':
      break;
    default:
      throw new NotPlainDataError(`${typeof value} at ${path || 'the top'} cannot cross IPC`);
  }
  const object = value as object;
  if (depth > MAX_DEPTH) throw new NotPlainDataError(`value nested deeper than ${MAX_DEPTH} at ${path}`);
  if (seen.has(object)) throw new NotPlainDataError(`cycle at ${path}`);
  seen.add(object);
  try {
    if (Array.isArray(object))
      return object.map((item, index) => copy(item, `${path}[${index}]`, depth + 1, seen));
    const proto = Object.getPrototypeOf(object);
    if (proto !== Object.prototype && proto !== null) {
      throw new NotPlainDataError(
        `a ${proto?.constructor?.name ?? 'non-plain'} object at ${path || 'the top'}`,
      );
    }
    const result: Record<string, unknown> = {};
    for (const key of Object.keys(object)) {
      // defineProperty keeps a "__proto__" data key a data key instead of a prototype swap.
      Object.defineProperty(result, key, {
        value: copy((object as Record<string, unknown>)[key], `${path}.${key}`, depth + 1, seen),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return result;
  } finally {
    seen.delete(object);
  }
}

export function toPlainData<T>(value: T): T {
  return copy(value, '', 0, new Set()) as T;
}
