import { audioChannelConformance } from '../../../channels/audio-channel.conformance';
import { InMemoryAudioChannel } from './in-memory-channel';

for (const [sampleRateHz, inBandDtmf] of [
  [8000, true],
  [16000, false],
] as const) {
  audioChannelConformance(`in-memory test channel at ${sampleRateHz} Hz${inBandDtmf ? '' : ', keys out of band only'}`, () => {
    const channel = new InMemoryAudioChannel({ sampleRateHz, inBandDtmf });
    return {
      channel,
      carriesInBandTones: inBandDtmf,
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
