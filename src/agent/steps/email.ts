import { readSpelledEmail } from '../understanding/email';
import type { Step, StepContext } from '../step';
import { MIDCALL_INTENTS } from './intent-sets';

/** Spelled chunks are account data: the transcript keeps only that something was spelled. */
export const EMAIL_TRANSCRIPT_PLACEHOLDER = '[email spelling redacted]';

/**
 * The address, letter by letter. While it is incomplete the agent only says "はい" after each chunk
 * (aizuchi, not a turn). A complete address goes to the port; a mismatch and an unknown address get
 * the same words, and nothing on file is ever read back. A complete address waits `tuning.settleMs`
 * (ctx.settle) before the check, so the rest of it ("…yahoo dot co" · "dot jp") or a correction of its
 * last letters in the next turn still counts; a yes or "that's it" confirms at once.
 */
export function createEmailStep(): Step {
  let turns: string[] = [];
  let attempts = 0;
  let askedDomain = false;
  let lastPartial = '';
  let turnsWithoutProgress = 0;
  // A complete address waiting out the settle window.
  let settling: string | null = null;

  const startOver = () => {
    turns = [];
    askedDomain = false;
    lastPartial = '';
    turnsWithoutProgress = 0;
    settling = null;
  };

  async function verify(email: string, ctx: StepContext): Promise<void> {
    attempts += 1;
    startOver();
    const matches = await ctx.port.checkEmail(email);
    await ctx.record('email_checked', { attempt: attempts, matches });
    if (matches) {
      ctx.state.emailVerified = true;
      ctx.say(ctx.prompts.emailVerified, { remember: false });
      await ctx.goto('send_code');
      return;
    }
    if (attempts >= ctx.tuning.maxEmailAttempts) {
      ctx.say(ctx.prompts.emailFailed, { interruptible: false });
      ctx.end('verification_failed', { hangup: true });
      return;
    }
    ctx.say(ctx.prompts.emailNotVerified);
    ctx.listen();
  }

  return {
    name: 'email',
    expecting: 'email',
    endpointing: 'spelling',
    intents: MIDCALL_INTENTS,
    enter(ctx) {
      ctx.say(ctx.prompts.askEmail);
      ctx.listen();
    },
    question(ctx) {
      if (askedDomain) return ctx.prompts.emailSpellDomain;
      return turns.length > 0 ? ctx.prompts.emailGoOn : ctx.prompts.askEmail;
    },
    async onUtterance(text, ctx) {
      turns.push(text);
      let reading = readSpelledEmail(turns, ctx.lang);
      if (reading.status !== 'complete' && turns.length > 1) {
        // A whole address in one turn after chatter or a false start: the caller began again.
        const alone = readSpelledEmail([text], ctx.lang);
        if (alone.status === 'complete') {
          turns = [text];
          reading = alone;
        }
      }
      if (reading.status === 'complete' && reading.email) {
        // "以上です" / "that's it" (in the same turn too), or a yes on its own after the whole address.
        const confirmed = ctx.intents.saysDone(text) || (settling === reading.email && ctx.intents.readYesNo(text) === 'yes');
        if (confirmed) {
          await verify(reading.email, ctx);
          return 'handled';
        }
        settling = reading.email;
        lastPartial = reading.partial;
        ctx.settle();
        return 'handled';
      }
      settling = null;
      if (reading.status === 'spell_domain' && !askedDomain) {
        askedDomain = true;
        ctx.say(ctx.prompts.emailSpellDomain);
        ctx.listen();
        return 'handled';
      }
      // Any change counts as progress: a correction ("Mじゃなくて N") keeps the length but moves on.
      const progressed = reading.partial !== lastPartial;
      lastPartial = reading.partial;
      if (ctx.intents.saysDone(text) || turns.length >= ctx.tuning.maxEmailTurns) {
        // The caller thinks they finished but the address is not whole: start again rather than guess.
        startOver();
        ctx.say(ctx.prompts.emailStartOver);
        ctx.listen();
        return 'handled';
      }
      if (progressed) {
        turnsWithoutProgress = 0;
        ctx.backchannel();
        return 'handled';
      }
      // A filler ("えーっと") between chunks: a person would just wait. Twice in a row: ask.
      turnsWithoutProgress += 1;
      turns.pop();
      return turnsWithoutProgress >= 2 ? 'no_content' : 'handled';
    },
    async onSettled(ctx) {
      if (settling !== null) await verify(settling, ctx);
    },
    onNoInput(ctx) {
      if (turns.length === 0) return false;
      ctx.say(ctx.prompts.emailGoOn, { remember: false });
      ctx.listen();
      return true;
    },
    transcriptOf: () => EMAIL_TRANSCRIPT_PLACEHOLDER,
    exit() {
      startOver();
    },
  };
}
