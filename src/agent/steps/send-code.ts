import type { Step } from '../step';
import { MIDCALL_INTENTS } from './intent-sets';

/** Asks the host to email the code, then hands over to the code step. No caller input is expected here. */
export function createSendCodeStep(): Step {
  return {
    name: 'send_code',
    expecting: 'code',
    endpointing: 'digits',
    intents: MIDCALL_INTENTS,
    async enter(ctx) {
      const result = await ctx.port.sendCode();
      if (result === 'limit_reached') {
        ctx.say(ctx.prompts.codeSendLimit, { interruptible: false });
        await ctx.escalate('code_send_limit');
        ctx.end('escalated', { detail: 'code_send_limit', hangup: true });
        return;
      }
      ctx.say(ctx.prompts.codeSent(ctx.tuning.codeLength, ctx.call.keypadOnlyCodes));
      await ctx.goto('code');
    },
    question: (ctx) => ctx.prompts.codeAsk(ctx.tuning.codeLength, ctx.call.keypadOnlyCodes),
    // Speech that arrives while the send is in flight is code-step content; the engine queues events,
    // so this only runs if enter() could not move on.
    onUtterance: () => 'no_content',
  };
}
