import type { GlobalIntent } from './understanding/intents';
import type { StepContext } from './step';

/** Engine controls the intent handlers need beyond what a step sees. */
export interface IntentControls {
  repeatLastPrompt(): void;
  slowDown(): void;
  startWaiting(): void;
  greetingFacts(): { companyName: string; agentName: string; customerName?: string };
}

/**
 * What the agent does when the caller asks for something outside the script. None of these changes the
 * account; the riskiest (contact change, "this wasn't me", a third party) end in a person's hands.
 */
export async function handleGlobalIntent(intent: GlobalIntent, ctx: StepContext, controls: IntentControls): Promise<void> {
  const p = ctx.prompts;
  switch (intent) {
    case 'repeat':
      controls.repeatLastPrompt();
      return;
    case 'slower':
      controls.slowDown();
      return;
    case 'wait':
      await ctx.record('caller_wait');
      controls.startWaiting();
      return;
    case 'call_later': {
      const slot = await ctx.port.reschedule();
      if (slot) {
        const when = p.formatCallbackTime(slot.at, ctx.call.timeZone ?? 'Asia/Tokyo');
        ctx.say(p.callbackAt(when), { interruptible: false, sayAs: 'datetime' });
        ctx.end('callback_requested', { hangup: true });
      } else {
        ctx.say(p.callbackUnscheduled, { interruptible: false });
        ctx.end('callback_requested', { detail: 'unscheduled', hangup: true });
      }
      return;
    }
    case 'not_available': {
      const slot = await ctx.port.reschedule();
      ctx.say(p.notAvailable, { interruptible: false });
      ctx.end('callback_requested', { detail: slot ? 'not_available' : 'unscheduled', hangup: true });
      return;
    }
    case 'want_person':
      await handOverToPerson(ctx, 'caller_request');
      return;
    case 'ask_if_human':
      await ctx.record('human_question_answered');
      ctx.say(p.humanQuestion, { remember: false });
      ctx.ask();
      return;
    case 'wrong_person':
      await ctx.record('right_party_denied');
      ctx.say(p.wrongPerson, { interruptible: false });
      ctx.end('wrong_person', { hangup: true });
      return;
    case 'third_party':
      ctx.state.riskFlags.add('third_party');
      await ctx.record('risk_flag', { kind: 'third_party' });
      ctx.say(p.thirdParty, { interruptible: false });
      ctx.end('wrong_person', { detail: 'third_party', hangup: true });
      return;
    case 'not_requested':
      ctx.state.riskFlags.add('caller_denies_request');
      await ctx.record('risk_flag', { kind: 'caller_denies_request' });
      ctx.say(p.notRequested, { interruptible: false });
      await ctx.escalate('risk_flag');
      ctx.end('cancelled', { hangup: true });
      return;
    case 'cancel':
      ctx.say(p.cancelled(ctx.state.rightPartyConfirmed), { interruptible: false });
      ctx.end('cancelled', { hangup: true });
      return;
    case 'change_contact':
      ctx.state.riskFlags.add('contact_change_request');
      await ctx.record('risk_flag', { kind: 'contact_change_request' });
      ctx.say(p.contactChangeRefused, { interruptible: false });
      await ctx.escalate('contact_change_request');
      ctx.end('escalated', { detail: 'contact_change_request', hangup: true });
      return;
    case 'disclosure_request':
      await ctx.record('disclosure_refused');
      ctx.say(p.disclosureRefused, { remember: false });
      ctx.ask();
      return;
    case 'what_about':
      ctx.say(p.purposeWithheld(controls.greetingFacts()));
      ctx.listen();
      return;
    case 'resend_code':
      // Only reaches here if the step did not take it (it is offered only in the code step).
      ctx.ask();
      return;
  }
}

/**
 * The agent hands the line to a person: it says whether one takes the line now (live transfer) or
 * when one will call back, escalates with `reason` and ends (escalated, detail = reason) without
 * hanging up, so the host can transfer the line. `caller_request`: the caller asked for a person;
 * `operator_takeover`: an operator pressed Take over on /console/live (issue 10).
 */
export async function handOverToPerson(ctx: StepContext, reason: 'caller_request' | 'operator_takeover'): Promise<void> {
  const p = ctx.prompts;
  const plan = (await ctx.port.handOver?.()) ?? null;
  if (plan?.transfer) ctx.say(p.transferring, { interruptible: false });
  else if (plan?.callbackAt) {
    const when = p.formatCallbackTime(plan.callbackAt, ctx.call.timeZone ?? 'Asia/Tokyo');
    ctx.say(p.handOverAt(when), { interruptible: false, sayAs: 'datetime' });
  } else ctx.say(p.handOver, { interruptible: false });
  await ctx.escalate(reason);
  ctx.end('escalated', { detail: reason });
}
