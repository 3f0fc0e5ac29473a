import { audioChannelConformance } from '../../channels/audio-channel.conformance';
import { decodePcm16le, encodePcm16le } from './protocol';
import { createSoftphoneChannel } from './softphone-channel';
import { FakeSoftphoneSocket } from './testing-socket';

audioChannelConformance('softphone channel over its WebSocket', () => {
  const socket = new FakeSoftphoneSocket();
  let now = 0;
  const channel = createSoftphoneChannel(socket, { nowMs: () => now });
  const json = () => socket.json();
  return {
    channel,
    carriesInBandTones: true, // keys come as messages, and the page can also mix key tones into the microphone
    remote: {
      sendFrame(frame) {
        socket.receive(encodePcm16le(frame.samples), true);
        now += 20; // the page sends in real time
      },
      sendDtmf: (digits) => socket.receive({ type: 'dtmf', digits }, false),
      sendText: (text) => socket.receive({ type: 'text', text }, false),
      hangUp: () => socket.receive({ type: 'hangup' }, false),
      framesHeard: () => socket.binary().map((b) => decodePcm16le(b)),
      captionsSeen: () =>
        json()
          .filter((m) => m.type === 'caption')
          .map(({ speaker, text, final }) => ({ speaker, text, final }) as never),
      controlsSeen: () => json().filter((m) => m.type !== 'caption'),
    },
  };
});
