import type { Step } from '../step';
import { MIDCALL_INTENTS } from './intent-sets';

/**
 * Asks the policy (through the port) to reset. The engine never decides: it only asks after checkCode
 * returned 'ok' on this call, and a risk flag raised on the call sends the case to a person instead.
 */
export function createResetStep(): Step {
  return {
    name: 'reset',
    expecting: 'free',
    endpointing: 'normal',
    intents: MIDCALL_INTENTS,
    async enter(ctx) {
      if (ctx.state.riskFlags.size > 0) {
        ctx.say(ctx.prompts.needsPerson, { interruptible: false });
        await ctx.escalate('risk_flag');
        ctx.end('escalated', { detail: 'policy_needs_person', hangup: true });
        return;
      }
      const result = await ctx.port.resetMfa();
      switch (result) {
        case 'reset':
          await ctx.goto('close');
          return;
        case 'cooling_off':
          ctx.say(ctx.prompts.closeCoolingOff(ctx.call.agentName), { interruptible: false });
          ctx.end('mfa_reset', { detail: 'cooling_off', hangup: true });
          return;
        case 'needs_person':
          ctx.say(ctx.prompts.needsPerson, { interruptible: false });
          await ctx.escalate('policy_needs_person');
          ctx.end('escalated', { detail: 'policy_needs_person', hangup: true });
          return;
      }
    },
    question: (ctx) => ctx.prompts.notUnderstood,
    onUtterance: () => 'no_content',
  };
}
