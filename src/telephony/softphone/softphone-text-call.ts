import type { CallChannel, CallerInput } from '../../channels/call-channel';
import type { AudioChannel } from '../../channels/audio-channel';

/**
 * The softphone as a text-level call (no speech engines): the agent's lines become captions, the
 * caller answers with the text box, the keypad or the browser's own speech recognition. Used when
 * the server has no voice media; with them, the call service attaches the voice bridge instead.
 */
export function softphoneTextCall(channel: AudioChannel): CallChannel {
  const inputs: Array<(input: CallerInput) => void> = [];
  const closes: Array<() => void> = [];
  let closing = false;
  const emit = (input: CallerInput) => inputs.forEach((l) => l(input));

  // The browser's interim results go to the agent too: they keep its silence clock from running out.
  channel.onText((text, source, isFinal) => {
    if (text.trim()) emit({ type: 'utterance', text: text.trim(), isFinal });
    // Typing (no content yet) keeps the agent's silence clock from running out, like an interim result.
    else if (source === 'typed' && !isFinal) emit({ type: 'utterance', text: '', isFinal: false });
  });
  channel.onDtmf((digits) => emit({ type: 'dtmf', digits }));
  channel.onClose((reason) => {
    if (closing) return;
    if (reason === 'caller_hangup') emit({ type: 'hangup' });
    else closes.forEach((l) => l());
  });

  return {
    onInput: (l) => void inputs.push(l),
    onClose: (l) => void closes.push(l),
    agentSays: (text) => channel.sendCaption({ speaker: 'agent', text, final: true }),
    listening: (expecting) => channel.sendControl({ type: 'listening', expecting }),
    end: (outcome) => channel.sendControl({ type: 'outcome', outcome }),
    close(reason = 'ended') {
      closing = true;
      channel.close(reason);
    },
  };
}
