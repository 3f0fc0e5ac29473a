import { normalizeUtterance } from '../understanding/normalize';
import { nameForms } from '../spoken-name';
import type { Step, StepContext } from '../step';
import { GREET_INTENTS } from './intent-sets';

function facts(ctx: StepContext) {
  return {
    companyName: ctx.call.companyName,
    agentName: ctx.call.agentName,
    customerName: ctx.call.customerName,
    recordingRefused: ctx.call.recordingRefused === true,
  };
}

/** "猪股です", "いのまたです" or "Inomata speaking" answers the right-party question even without a "yes". */
function saysOwnName(text: string, names: readonly string[]): boolean {
  const normal = normalizeUtterance(text).toLowerCase();
  const said = normal.replace(/\s+/g, '');
  // Latin parts match whole words only, so "Al" is not heard in "call"; kana and kanji have no spaces to match on.
  const words = new Set(normal.split(/[^\p{L}\p{M}'’-]+/u));
  return names.some((name) =>
    normalizeUtterance(name)
      .toLowerCase()
      .split(/[\s・]+/u)
      .filter((part) => part.length >= 2)
      .some((part) => (/^[\p{Script=Latin}\p{M}'’.-]+$/u.test(part) ? words.has(part) : said.includes(part))),
  );
}

function isPickUpGreeting(text: string): boolean {
  return /モシモシ/u.test(normalizeUtterance(text)) || /^(hello|hi)\b[\s,.!?]*$/iu.test(text.trim());
}

/** The same ending as the global `third_party` intent: flagged, a person reviews, the owner may call us. */
async function closeForThirdParty(ctx: StepContext): Promise<void> {
  ctx.state.riskFlags.add('third_party');
  await ctx.record('risk_flag', { kind: 'third_party' });
  ctx.say(ctx.prompts.thirdParty, { interruptible: false });
  ctx.end('wrong_person', { detail: 'third_party', hangup: true });
}

/**
 * First turn: disclosures, then "am I speaking with the customer in person?". Nothing about the account,
 * and no name, until a first-person answer confirms it (issue 7, finding 6).
 */
export function createGreetStep(): Step {
  return {
    name: 'greet',
    expecting: 'confirmation',
    endpointing: 'normal',
    intents: GREET_INTENTS,
    enter(ctx) {
      // The legal notice must be heard whole: not interruptible.
      ctx.say(ctx.prompts.greeting(facts(ctx)), { interruptible: false });
      ctx.listen();
    },
    question: (ctx) => ctx.prompts.rightPartyQuestion(facts(ctx)),
    async onUtterance(text, ctx) {
      if (isPickUpGreeting(text)) {
        // "はい、もしもし" answers the phone, not the question: never take it as a yes.
        ctx.ask();
        return 'handled';
      }
      let answer = ctx.intents.readRightParty(text);
      if (answer === 'unknown' && saysOwnName(text, nameForms(ctx.call))) answer = 'self';
      if (answer === 'other') {
        // Someone speaking for or about the customer: a polite close, never a callback or a reset for them.
        await closeForThirdParty(ctx);
        return 'handled';
      }
      if (answer === 'self') {
        ctx.state.rightPartyConfirmed = true;
        await ctx.record('right_party_confirmed');
        await ctx.goto('consent');
        return 'handled';
      }
      if (answer === 'no') {
        await ctx.record('right_party_denied');
        ctx.say(ctx.prompts.wrongPerson, { interruptible: false });
        ctx.end('wrong_person', { hangup: true });
        return 'handled';
      }
      return 'no_content';
    },
  };
}
