import { callChannelConformance } from '../call-channel.conformance';
import { ScriptedCallChannel } from './scripted-call-channel';

callChannelConformance('scripted test fake (tests of the call session)', () => {
  const channel = new ScriptedCallChannel();
  return {
    channel,
    remote: {
      say: (text) => channel.say(text),
      dtmf: (digits) => channel.dtmf(digits),
      hangUp: () => channel.hangUp(),
      dropLine: () => channel.dropLine(),
      settle: async () => undefined,
      agentLines: () => [...channel.agentLines],
      outcomeShown: () => channel.outcome,
      lineClosed: () => channel.closed,
    },
  };
});
