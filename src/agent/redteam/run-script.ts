import { createAgent } from '../engine';
import { STORY_ACCOUNT, STORY_CONTEXT_EN, STORY_CONTEXT_JA } from '../testing/call-harness';
import { createFakeClock } from '../testing/fake-clock';
import { createFakePort, type FakePort } from '../testing/fake-port';
import { DEFAULT_TUNING } from '../tuning';
import type { AgentAction, Outcome } from '../types';
import type { RedTeamScript } from './script';

export interface ScriptCall {
  actions: AgentAction[];
  /** Index in `actions` at which the right party was confirmed, or null if never. */
  confirmedAt: number | null;
  outcome: Outcome | null;
}

export interface ScriptRun {
  port: FakePort;
  calls: ScriptCall[];
}

/**
 * Plays a scripted caller against the engine and a recording fake port (fresh state per script).
 * After each spoken turn the caller pauses for the settle window (tuning.settleMs) before the next
 * one, as a person does, so a whole code or address is checked before the script goes on.
 */
export async function runScript(script: RedTeamScript): Promise<ScriptRun> {
  const calls: ScriptCall[] = [];
  let call: ScriptCall = { actions: [], confirmedAt: null, outcome: null };
  const port = createFakePort({
    account: { ...STORY_ACCOUNT },
    ...script.port,
    onRecord: (kind) => {
      if (kind === 'right_party_confirmed' && call.confirmedAt === null) call.confirmedAt = call.actions.length;
    },
  });
  const context = { ...(script.lang === 'ja' ? STORY_CONTEXT_JA : STORY_CONTEXT_EN), ...script.context };
  const clock = createFakeClock(Date.UTC(2021, 5, 7, 0, 30));

  const dial = async () => {
    call = { actions: [], confirmedAt: null, outcome: null };
    const current = call;
    calls.push(current);
    const agent = createAgent({ context, port, timers: clock, onAction: (a) => current.actions.push(a) });
    await agent.handle({ type: 'start' });
    return { agent, current };
  };

  let { agent, current } = await dial();
  for (const turn of script.turns) {
    if (typeof turn === 'string') {
      await agent.handle({ type: 'utterance', text: turn, isFinal: true });
      await agent.idle();
      clock.advance(DEFAULT_TUNING.settleMs);
    } else if ('dtmf' in turn) await agent.handle({ type: 'dtmf', digits: turn.dtmf });
    else if ('silenceMs' in turn) clock.advance(turn.silenceMs);
    else if ('hangup' in turn) await agent.handle({ type: 'hangup' });
    else {
      current.outcome = agent.snapshot().outcome;
      ({ agent, current } = await dial());
    }
    await agent.idle();
  }
  current.outcome = agent.snapshot().outcome;
  return { port, calls };
}
