import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ScriptedCallChannel } from '../channels/testing/scripted-call-channel';
import { CaseNotFoundError } from '../cases/case-service';
import { createFakeClock } from '../agent/testing/fake-clock';
import { createFakePort } from '../agent/testing/fake-port';
import { STORY_ACCOUNT, STORY_CONTEXT_JA } from '../agent/testing/call-harness';
import { DEFAULT_TUNING, type OutcomeDetail } from '../agent';
import { createLogger } from '../observability/logger';
import { startCallSession } from './call-session';

function captureLogs() {
  const lines: Array<Record<string, unknown>> = [];
  const dest = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger('info', dest), lines };
}

describe('call session', () => {
  it('logs the name and code of a port failure that escalates the call as system_error, and nothing of its message', async () => {
    const { logger, lines } = captureLogs();
    const fake = createFakePort({ account: { ...STORY_ACCOUNT } });
    // The e-mail check fails the way a store can: a typed error whose message names the case.
    const port = { ...fake, checkEmail: () => Promise.reject(new CaseNotFoundError('case-secret-42')) };
    const line = new ScriptedCallChannel();
    const finished: Array<OutcomeDetail | null> = [];
    const clock = createFakeClock();
    const session = startCallSession({
      callId: 'call-1',
      channel: line,
      context: STORY_CONTEXT_JA,
      port,
      timers: clock,
      logger,
      appendTranscript: async () => undefined,
      finish: async (_outcome, detail) => void finished.push(detail),
    });
    // The story's first turns (engine.test.ts "a port failure…"): confirm, confirm, then the address.
    for (const text of ['はい', 'はい', 'エム、エー、ティ、ティ、ワイ、アットマーク、ジーメールドットコム']) {
      line.say(text);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // The whole address is checked once the settle window has passed with the caller quiet.
    clock.advance(DEFAULT_TUNING.settleMs);
    expect(await session.done).toBe('escalated');
    expect(finished).toEqual(['system_error']);
    const failure = lines.find((l) => l.msg === 'port failure escalated the call (system_error)');
    expect(failure).toMatchObject({ level: 50, callId: 'call-1', errorName: 'CaseNotFoundError', errorCode: 'case_not_found' });
    expect(JSON.stringify(lines)).not.toContain('case-secret-42');
  });

  it('on a channel that reports playout, the caller’s silence counts from the end of the greeting, however late', async () => {
    const line = new ScriptedCallChannel(true);
    const clock = createFakeClock();
    startCallSession({
      callId: 'call-2',
      channel: line,
      context: STORY_CONTEXT_JA,
      port: createFakePort({ account: { ...STORY_ACCOUNT } }),
      timers: clock,
      logger: captureLogs().logger,
      appendTranscript: async () => undefined,
      finish: async () => undefined,
    });
    const settled = () => new Promise((resolve) => setTimeout(resolve, 20));
    await settled();
    expect(line.agentLines).toHaveLength(1);
    // A loaded machine: the greeting's audio ends two minutes on, far past its estimate: no "もしもし" over it.
    clock.advance(120_000);
    await settled();
    expect(line.agentLines).toHaveLength(1);
    line.promptPlayed();
    await settled();
    clock.advance(DEFAULT_TUNING.noInputMs);
    await settled();
    expect(line.agentLines[1]).toBe('もしもし、お聞こえでしょうか。');
  });
});
