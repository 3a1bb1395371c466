import { describe, expect, it } from 'vitest';
import { APP_ORIGIN } from '../../../../common/app-origin';
import { CHANNELS, METHOD_NAMES, type MethodName } from '../../../../common/channels';
import { contract, type HandlerTable } from '../../../../common/contract';
import { LatchkeyError } from '../../../../main/errors';
import { buildIpcRoutes, describeIssues } from '../../../../main/ipc/invoke-wrapper';
import type { InvokeEventLike } from '../../../../main/ipc/sender-guard';

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

  it('lists up to three issues, each with its dotted path, and counts the rest exactly', () => {
    const issue = (path: PropertyKey[], message: string) => ({
      code: 'custom',
      path,
      message,
      input: undefined,
    });
    const issues = (count: number) =>
      Array.from({ length: count }, (_, i) => issue(['patch', `k${i}`], `bad ${i}`)) as unknown as Parameters<
        typeof describeIssues
      >[0];
    expect(describeIssues(issues(3))).toBe(
      'Invalid input. patch.k0: bad 0; patch.k1: bad 1; patch.k2: bad 2',
    );
    expect(describeIssues(issues(5))).toBe(
      'Invalid input. patch.k0: bad 0; patch.k1: bad 1; patch.k2: bad 2 (and 2 more)',
    );
    expect(
      describeIssues([issue([], 'Nothing to save.')] as unknown as Parameters<typeof describeIssues>[0]),
    ).toBe('Invalid input. Nothing to save.');
  });

  it('clips a path segment past 40 characters and a message past 160, marking the cut', () => {
    const one = (segment: string, message: string) =>
      describeIssues([
        { code: 'custom', path: [segment], message, input: undefined },
      ] as unknown as Parameters<typeof describeIssues>[0]);
    expect(one('k'.repeat(40), 'm'.repeat(160))).toBe(`Invalid input. ${'k'.repeat(40)}: ${'m'.repeat(160)}`);
    expect(one('k'.repeat(41), 'm'.repeat(161))).toBe(
      `Invalid input. ${'k'.repeat(40)}…: ${'m'.repeat(160)}…`,
    );
  });

  it('summarises many issues as the first three and a count', () => {
    const patch = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`bad.key ${i}`, 1]));
    const message = describeIssues(issuesOf(contract.updateMetadata.input, { patch }));
    expect(message).toMatch(/\(and \d+ more\)$/);
    expect(message.length).toBeLessThan(800);
  });
});

/** The event Electron gives for a call from our window's main frame (the transport cannot run here). */
const WINDOW_ID = 4;
const mainFrame = { url: `${APP_ORIGIN}/index.html`, parent: null, processId: 2, routingId: 1 };
const fromOurWindow: InvokeEventLike = { sender: { id: WINDOW_ID, mainFrame }, senderFrame: mainFrame };
const policy = { isTrustedWebContents: (id: number) => id === WINDOW_ID };

/** A handler table whose every method records its calls and answers with `answer`. */
function recordingHandlers(answer: (name: MethodName, input: unknown) => Promise<unknown>) {
  const calls: Array<{ name: MethodName; input: unknown }> = [];
  const handlers = Object.fromEntries(
    METHOD_NAMES.map((name) => [
      name,
      (input: unknown) => {
        calls.push({ name, input });
        return answer(name, input);
      },
    ]),
  ) as unknown as HandlerTable;
  return { handlers, calls };
}

function recordingLog() {
  const lines = { warn: [] as string[], error: [] as string[] };
  return {
    lines,
    log: { warn: (m: string) => lines.warn.push(m), error: (m: string) => lines.error.push(m) },
  };
}

function routeOf(routes: ReturnType<typeof buildIpcRoutes>, name: MethodName) {
  const route = routes.find((candidate) => candidate.name === name);
  if (!route) throw new Error(`no route for ${name}`);
  return route;
}

describe('IPC routes (every call through one wrapper)', () => {
  it('gives every contract method its own channel', () => {
    const routes = buildIpcRoutes(recordingHandlers(async () => undefined).handlers, policy);
    expect(routes.map((route) => route.name)).toEqual([...METHOD_NAMES]);
    expect(routes.map((route) => route.channel)).toEqual(METHOD_NAMES.map((name) => CHANNELS[name]));
  });

  it('hands parsed input to the handler and its answer back as plain data', async () => {
    const report = { revocation: 'revoked', providerSession: 'kept' };
    const { handlers, calls } = recordingHandlers(async () => report);
    const result = await routeOf(buildIpcRoutes(handlers, policy), 'signOut').handle(fromOurWindow, {
      everywhere: false,
    });
    expect(calls).toEqual([{ name: 'signOut', input: { everywhere: false } }]);
    expect(result).toEqual({ ok: true, value: report });
    expect(result.ok && result.value).not.toBe(report);
  });

  it('refuses to send an answer that is not plain data (INTERNAL), rather than let it arrive mangled', async () => {
    const { lines, log } = recordingLog();
    const { handlers } = recordingHandlers(async () => ({ at: new Date(0) }));
    const result = await routeOf(buildIpcRoutes(handlers, policy, log), 'getProfile').handle(
      fromOurWindow,
      undefined,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(lines.error).toEqual([expect.stringContaining('NotPlainDataError: a Date object at .at')]);
  });

  it('refuses a window Latchkey did not create (FORBIDDEN) without calling the handler, and says why in the log', async () => {
    const { handlers, calls } = recordingHandlers(async () => undefined);
    const { lines, log } = recordingLog();
    const stranger: InvokeEventLike = { sender: { id: 99, mainFrame }, senderFrame: mainFrame };
    const result = await routeOf(buildIpcRoutes(handlers, policy, log), 'getProfile').handle(
      stranger,
      undefined,
    );
    expect(result).toEqual({
      ok: false,
      error: { code: 'FORBIDDEN', message: expect.stringMatching(/not allowed/) },
    });
    expect(calls).toEqual([]);
    expect(lines.warn).toEqual([
      `IPC ${CHANNELS.getProfile} refused: webContents 99 is not a Latchkey window`,
    ]);
  });

  it('refuses an event it cannot read (fails closed) without calling the handler', async () => {
    const { handlers, calls } = recordingHandlers(async () => undefined);
    const { lines, log } = recordingLog();
    const unreadable = {
      get sender(): never {
        throw new TypeError('Object has been destroyed');
      },
      senderFrame: mainFrame,
    } as InvokeEventLike;
    const result = await routeOf(buildIpcRoutes(handlers, policy, log), 'getProfile').handle(
      unreadable,
      undefined,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(calls).toEqual([]);
    expect(lines.warn).toEqual([
      expect.stringContaining('unreadable event (TypeError: Object has been destroyed)'),
    ]);
  });

  it('refuses input over the bounds before parsing it (INVALID_INPUT), without calling the handler', async () => {
    const { handlers, calls } = recordingHandlers(async () => ({}));
    const patch = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, 'v']));
    const result = await routeOf(buildIpcRoutes(handlers, policy), 'updateMetadata').handle(fromOurWindow, {
      patch,
    });
    expect(result).toEqual({
      ok: false,
      error: { code: 'INVALID_INPUT', message: 'Invalid input. It is larger than any Latchkey request.' },
    });
    expect(calls).toEqual([]);
  });

  it("refuses input the method's schema rejects (INVALID_INPUT naming the field), without calling the handler", async () => {
    const { handlers, calls } = recordingHandlers(async () => ({}));
    const result = await routeOf(buildIpcRoutes(handlers, policy), 'signOut').handle(fromOurWindow, {
      everywhere: 'yes',
    });
    expect(result).toEqual({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(/^Invalid input\. everywhere: /) },
    });
    expect(calls).toEqual([]);
  });

  it("passes a handler's coded failure on as it is, and logs nothing", async () => {
    const { handlers } = recordingHandlers(async () => {
      throw new LatchkeyError('NOT_SIGNED_IN', 'Sign in first.');
    });
    const { lines, log } = recordingLog();
    const result = await routeOf(buildIpcRoutes(handlers, policy, log), 'getProfile').handle(
      fromOurWindow,
      undefined,
    );
    expect(result).toEqual({ ok: false, error: { code: 'NOT_SIGNED_IN', message: 'Sign in first.' } });
    expect(lines).toEqual({ warn: [], error: [] });
  });

  it('turns an unexpected failure into INTERNAL and logs what was thrown', async () => {
    const { lines, log } = recordingLog();
    const thrown = recordingHandlers(async () => {
      throw new RangeError('index out of range');
    });
    const result = await routeOf(buildIpcRoutes(thrown.handlers, policy, log), 'getProfile').handle(
      fromOurWindow,
      undefined,
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(lines.error).toEqual([`IPC ${CHANNELS.getProfile} failed: RangeError: index out of range`]);

    // Something that is not an Error is logged by its type only: its content may be anything.
    const odd = recordingHandlers(() => Promise.reject('token=abc'));
    await routeOf(buildIpcRoutes(odd.handlers, policy, log), 'getProfile').handle(fromOurWindow, undefined);
    expect(lines.error[1]).toBe(`IPC ${CHANNELS.getProfile} failed: string`);
  });
});
