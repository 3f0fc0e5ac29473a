import { readDigits } from '../understanding/digits';
import type { Step, StepContext, StepResult } from '../step';
import { CODE_INTENTS } from './intent-sets';

export const CODE_TRANSCRIPT_PLACEHOLDER = '[code redacted]';
export const KEYPAD_TRANSCRIPT_PLACEHOLDER = '[keypad entry redacted]';

/**
 * The emailed code, spoken in chunks, typed or keyed, or a mix (4 typed then 4 keyed is one 8-digit
 * code: the digits settled by one way of entry carry over when the caller switches to the other).
 * A complete spoken entry waits `tuning.settleMs` (ctx.settle) before the check, so "違います、いち" in the
 * next turn replaces the last digit instead of spending an attempt; keypad '#', a yes or "that's it"
 * confirms at once, and 8 keyed digits are checked at once (keys are never misheard).
 * Recording is paused while here. The digits live only in
 * this closure until they are passed to port.checkCode, then they are dropped; nothing else sees them.
 */
export function createCodeStep(): Step {
  let spoken: string[] = [];
  let keyed = '';
  // Digits settled before the caller switched between speaking/typing and keying (issue 9).
  let carried = '';
  let attempts = 0;
  let resends = 0;
  let malformed = 0;
  // After 8 keyed digits commit on their own, a trailing '#' belongs to that entry.
  let swallowHash = false;
  // A complete spoken entry waiting out the settle window; pending: a correction cue still wants its digit.
  let settling: { code: string; pending: boolean } | null = null;

  const clear = () => {
    spoken = [];
    keyed = '';
    carried = '';
    settling = null;
  };

  /**
   * The caller says the entry is finished: "以上です" / "that's it" (also in the turn with the last digits),
   * or a yes ("はい", "yes") in a turn of its own after the whole code.
   */
  const confirms = (text: string, entered: string, ctx: StepContext): boolean =>
    ctx.intents.saysDone(text) ||
    (settling?.code === entered && readDigits([text], ctx.lang).digits === '' && ctx.intents.readYesNo(text) === 'yes');

  async function sendAgain(ctx: StepContext, expired: boolean): Promise<void> {
    if (resends >= ctx.tuning.maxCodeResends) {
      ctx.say(ctx.prompts.codeResendLimit, { remember: false });
      if (expired) {
        ctx.say(ctx.prompts.codeFailed, { interruptible: false });
        ctx.end('verification_failed', { hangup: true });
        return;
      }
      ctx.ask();
      return;
    }
    await ctx.record('code_resend_requested', { expired });
    const result = await ctx.port.sendCode();
    if (result === 'limit_reached') {
      ctx.say(ctx.prompts.codeSendLimit, { interruptible: false });
      await ctx.escalate('code_send_limit');
      ctx.end('escalated', { detail: 'code_send_limit', hangup: true });
      return;
    }
    resends += 1;
    clear();
    ctx.say(expired ? ctx.prompts.codeExpiredResent : ctx.prompts.codeResent);
    ctx.listen();
  }

  /**
   * How many digits came before a recogniser-formatted part the code length could not decide ("5:06"
   * in "one two three four 5:06 seven eight nine"), so the agent can name where it was without saying
   * any digit; null when every part was clear.
   */
  function digitsBeforeUnclear(turns: readonly string[], ctx: StepContext): number | null {
    const unclear = readDigits(turns, ctx.lang, ctx.tuning.codeLength - carried.length).unclear;
    if (unclear === undefined) return null;
    const at = turns.findIndex((t) => t.includes(unclear));
    if (at < 0) return null;
    const before = [...turns.slice(0, at), turns[at]!.slice(0, turns[at]!.indexOf(unclear))];
    return carried.length + readDigits(before, ctx.lang).digits.length;
  }

  /** A spoken entry that cannot be a code: named by its unclear part when there is one, else by its length. */
  function wrongLength(ctx: StepContext, unclearAfter: number | null = null): void {
    clear();
    malformed += 1;
    if (malformed > ctx.tuning.maxUnclear) {
      ctx.say(ctx.prompts.codeFailed, { interruptible: false });
      ctx.end('verification_failed', { hangup: true });
      return;
    }
    ctx.say(unclearAfter === null ? ctx.prompts.codeWrongLength(ctx.tuning.codeLength) : ctx.prompts.codeUnclearPart(unclearAfter));
    ctx.listen();
  }

  async function commit(code: string, via: 'speech' | 'keypad', ctx: StepContext): Promise<void> {
    clear();
    attempts += 1;
    const result = await ctx.port.checkCode(code);
    await ctx.record('code_attempt', { attempt: attempts, via, result });
    switch (result) {
      case 'ok':
        ctx.state.codeVerified = true;
        ctx.say(ctx.prompts.codeVerified, { remember: false });
        await ctx.goto('reset');
        return;
      case 'wrong':
        if (attempts >= ctx.tuning.maxCodeAttempts) {
          ctx.say(ctx.prompts.codeFailed, { interruptible: false });
          ctx.end('verification_failed', { hangup: true });
          return;
        }
        ctx.say(ctx.prompts.codeWrong(ctx.tuning.codeLength));
        ctx.listen();
        return;
      case 'expired':
        await sendAgain(ctx, true);
        return;
      case 'locked':
        ctx.say(ctx.prompts.codeLocked, { interruptible: false });
        await ctx.escalate('code_locked');
        ctx.end('escalated', { detail: 'code_locked', hangup: true });
        return;
    }
  }

  return {
    name: 'code',
    expecting: 'code',
    endpointing: 'digits',
    intents: CODE_INTENTS,
    enter(ctx) {
      ctx.recording('pause');
      ctx.listen();
    },
    question: (ctx) => {
      // Asked again (silence, "repeat"), the caller starts over, and the page clears its key echo:
      // digits left from before would join the new entry into a wrong code (issue 9).
      clear();
      return ctx.prompts.codeAsk(ctx.tuning.codeLength, ctx.call.keypadOnlyCodes);
    },
    async onUtterance(text, ctx): Promise<StepResult> {
      const n = ctx.tuning.codeLength;
      if (ctx.call.keypadOnlyCodes) {
        if (readDigits([text], ctx.lang).digits.length === 0) return 'no_content';
        ctx.say(ctx.prompts.codeKeypadOnly, { remember: false });
        ctx.listen();
        return 'handled';
      }
      const reading = readDigits([...spoken, text], ctx.lang, n - carried.length - keyed.length);
      if (reading.digits.length === 0) return spoken.length === 0 && carried === '' ? 'no_content' : 'handled';
      if (keyed !== '') {
        carried += keyed;
        keyed = '';
      }
      spoken.push(text);
      const entered = carried + reading.digits;
      if (entered.length > n) {
        wrongLength(ctx, reading.unclear === undefined ? null : digitsBeforeUnclear(spoken, ctx));
        return 'handled';
      }
      if (entered.length === n) {
        const pending = reading.correctionPending === true;
        if (!pending && confirms(text, entered, ctx)) {
          await commit(entered, 'speech', ctx);
          return 'handled';
        }
        settling = { code: entered, pending };
        ctx.settle();
        return 'handled';
      }
      settling = null;
      ctx.backchannel();
      return 'handled';
    },
    async onSettled(ctx) {
      // After a bare "違います" the caller owes the replacement digit: keep waiting for it.
      if (!settling || settling.pending) return;
      await commit(settling.code, 'speech', ctx);
    },
    async onDtmf(digits, ctx): Promise<StepResult> {
      const n = ctx.tuning.codeLength;
      if (settling && /[0-9]/.test(digits[0] ?? '')) {
        // Keys right after a whole spoken code: the caller enters it again on the keypad, not a 9th digit.
        clear();
      }
      settling = null;
      if (spoken.length > 0) {
        carried += readDigits(spoken, ctx.lang, n - carried.length).digits;
        spoken = [];
      }
      for (const key of digits) {
        if (key === '*') {
          clear();
          swallowHash = false;
        } else if (key === '#') {
          if (swallowHash && keyed === '') {
            swallowHash = false;
            continue;
          }
          if (carried.length + keyed.length === n) {
            await commit(carried + keyed, 'keypad', ctx);
            return 'handled';
          }
          wrongLength(ctx);
          return 'handled';
        } else if (/^[0-9]$/.test(key)) {
          swallowHash = false;
          keyed += key;
          if (carried.length + keyed.length === n) {
            swallowHash = true;
            await commit(carried + keyed, 'keypad', ctx);
            return 'handled';
          }
        }
      }
      return 'handled';
    },
    async onIntent(intent, ctx) {
      if (intent !== 'resend_code') return false;
      await sendAgain(ctx, false);
      return true;
    },
    onNoInput(ctx) {
      // The caller stopped short of a code and part of it was unclear ("one two 5:06 seven"): ask about that part.
      const unclearAfter = spoken.length > 0 ? digitsBeforeUnclear(spoken, ctx) : null;
      if (unclearAfter === null) return false;
      wrongLength(ctx, unclearAfter);
      return true;
    },
    transcriptOf: () => CODE_TRANSCRIPT_PLACEHOLDER,
    exit(ctx, why) {
      clear();
      if (why === 'next') ctx.recording('resume');
    },
  };
}
