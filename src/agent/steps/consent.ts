import { spokenName } from '../spoken-name';
import type { Step } from '../step';
import { MIDCALL_INTENTS } from './intent-sets';

/**
 * Reason for the call, then permission to record. Declining stops the recording; the call goes on.
 * When the customer refused recording on the request form, only the reason is said: the form's
 * answer stands, so the question is never asked again.
 */
export function createConsentStep(): Step {
  return {
    name: 'consent',
    expecting: 'confirmation',
    endpointing: 'normal',
    intents: MIDCALL_INTENTS,
    async enter(ctx) {
      const recordingRefused = ctx.call.recordingRefused === true;
      ctx.say(
        ctx.prompts.purposeAndConsent({
          companyName: ctx.call.companyName,
          agentName: ctx.call.agentName,
          customerName: ctx.call.customerName,
          spokenName: spokenName(ctx.call),
          requestedEarlierDay: ctx.call.requestedEarlierDay,
          recordingRefused,
        }),
      );
      if (recordingRefused) {
        ctx.recording('stop'); // already stopped from the start; kept so this step alone guarantees it
        await ctx.goto('email');
        return;
      }
      ctx.listen();
    },
    question: (ctx) => ctx.prompts.consentQuestion,
    async onUtterance(text, ctx) {
      const answer = ctx.intents.readYesNo(text);
      if (answer === 'unknown') return 'no_content';
      await ctx.record('recording_consent', { granted: answer === 'yes' });
      if (answer === 'yes') {
        ctx.say(ctx.prompts.consentThanks, { remember: false });
      } else {
        ctx.recording('stop');
        ctx.say(ctx.prompts.recordingStopped, { remember: false });
      }
      await ctx.goto('email');
      return 'handled';
    },
  };
}
