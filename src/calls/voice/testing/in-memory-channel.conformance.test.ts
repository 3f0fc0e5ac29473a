import { audioChannelConformance } from '../../../channels/audio-channel.conformance';
import { InMemoryAudioChannel } from './in-memory-channel';

for (const sampleRateHz of [8000, 16000]) {
  audioChannelConformance(`in-memory test channel at ${sampleRateHz} Hz`, () => {
    const channel = new InMemoryAudioChannel({ sampleRateHz });
    return {
      channel,
      remote: {
        sendFrame: (frame) => channel.receiveFrame(frame),
        sendDtmf: (digits) => channel.receiveDtmf(digits),
        sendText: (text) => channel.receiveText(text),
        hangUp: () => channel.hangUp(),
        framesHeard: () => channel.sent.map((f) => f.samples),
        captionsSeen: () => channel.captions,
        controlsSeen: () => channel.controls,
      },
    };
  });
}
