import type { Step } from '../step';
import { MIDCALL_INTENTS } from './intent-sets';

/** How to sign in now, that a new device must be enrolled, who handled the call, goodbye. */
export function createCloseStep(): Step {
  return {
    name: 'close',
    expecting: 'free',
    endpointing: 'normal',
    intents: MIDCALL_INTENTS,
    enter(ctx) {
      ctx.say(ctx.prompts.closeAfterReset(ctx.call.agentName), { interruptible: false });
      ctx.end('mfa_reset', { hangup: true });
    },
    question: (ctx) => ctx.prompts.closeAfterReset(ctx.call.agentName),
    onUtterance: () => 'handled',
  };
}
