import type { z } from 'zod';
import { CHANNELS, METHOD_NAMES, type MethodName } from '../../common/channels';
import { contract, type HandlerTable, type MethodOutput, type Result } from '../../common/contract';
import type { ErrorInfo } from '../../common/errors';
import { inputBoundsProblem } from '../../common/input-bounds';
import { toErrorInfo } from '../errors';
import type { Logger } from '../log';
import { toPlainData } from './plain-data';
import { checkSender, type InvokeEventLike, type SenderPolicy } from './sender-guard';

/**
 * The one wrapper every IPC handler goes through: sender check, input validation, error mapping.
 * It never throws and never rejects: whatever happens, the renderer gets a Result with a code.
 * Plain Node, like the rest of main/ipc/; main/electron/ipc.ts is the transport that hands these
 * routes to ipcMain, and the tests and the browser harness call the very same routes.
 */

type InvokeHandler<K extends MethodName = MethodName> = (
  event: InvokeEventLike,
  input: unknown,
) => Promise<Result<MethodOutput<K>>>;

export interface IpcRoute {
  name: MethodName;
  channel: string;
  handle: InvokeHandler;
}

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

const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const fail = (error: ErrorInfo): Result<never> => ({ ok: false, error });

const FORBIDDEN_MESSAGE = 'This page is not allowed to talk to Latchkey.';

function describeThrown(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : typeof error;
}

function wrapHandler<K extends MethodName>(
  name: K,
  handler: HandlerTable[K],
  policy: SenderPolicy,
  log: Pick<Logger, 'warn' | 'error'> = console,
): InvokeHandler<K> {
  const channel = CHANNELS[name];
  const schema = contract[name].input;
  return async (event, input) => {
    try {
      let verdict;
      try {
        verdict = checkSender(event, policy);
      } catch (error) {
        // Fail closed: an event we cannot read is an event we do not trust.
        verdict = { allowed: false as const, reason: `unreadable event (${describeThrown(error)})` };
      }
      if (!verdict.allowed) {
        log.warn(`IPC ${channel} refused: ${verdict.reason}`);
        return fail({ code: 'FORBIDDEN', message: FORBIDDEN_MESSAGE });
      }

      // Counts, sizes and reserved keys first, in one bounded walk: the schema's own limits apply
      // only once zod has parsed the whole input (common/input-bounds.ts).
      const outOfBounds = inputBoundsProblem(input);
      if (outOfBounds !== undefined) return fail({ code: 'INVALID_INPUT', message: outOfBounds });
      const parsed = schema.safeParse(input);
      if (!parsed.success)
        return fail({ code: 'INVALID_INPUT', message: describeIssues(parsed.error.issues) });

      const value = await (handler as (input: unknown) => Promise<MethodOutput<K>>)(parsed.data);
      return ok(toPlainData(value));
    } catch (error) {
      const info = toErrorInfo(error);
      if (info.code === 'INTERNAL') log.error(`IPC ${channel} failed: ${describeThrown(error)}`);
      return fail(info);
    }
  };
}

/** Every contract method, wrapped: what main/electron/ipc.ts registers, one route per channel. */
export function buildIpcRoutes(
  handlers: HandlerTable,
  policy: SenderPolicy,
  log?: Pick<Logger, 'warn' | 'error'>,
): IpcRoute[] {
  return METHOD_NAMES.map((name) => ({
    name,
    channel: CHANNELS[name],
    handle: wrapHandler(name, handlers[name], policy, log) as InvokeHandler,
  }));
}
