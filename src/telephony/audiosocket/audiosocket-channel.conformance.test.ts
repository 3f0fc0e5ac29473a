import { audioChannelConformance } from '../../channels/audio-channel.conformance';
import { createAudioSocketChannel } from './audiosocket-channel';
import { AudioSocketDecoder, encodeAudioSocket } from './framing';

audioChannelConformance('AudioSocket channel (slin 8 kHz, keys as 0x03 frames)', () => {
  const sent: Buffer[] = [];
  const channel = createAudioSocketChannel({ write: (b) => void sent.push(Buffer.from(b)), end: () => undefined });
  // The caller's side speaks real AudioSocket bytes, decoded as the server does.
  const inbound = new AudioSocketDecoder();
  const deliver = (bytes: Buffer) => {
    for (const m of inbound.push(bytes)) channel.receive(m);
  };
  return {
    channel,
    carriesInBandTones: true,
    hasScreen: false,
    remote: {
      sendFrame: (frame) => deliver(encodeAudioSocket.audio(frame.samples)),
      sendDtmf: (digits) => {
        for (const d of digits) deliver(encodeAudioSocket.dtmf(d));
      },
      hangUp: () => deliver(encodeAudioSocket.hangup()),
      framesHeard: () => {
        const outbound = new AudioSocketDecoder();
        return sent.flatMap((b) => outbound.push(b)).flatMap((m) => (m.kind === 'audio' ? [m.samples] : []));
      },
      captionsSeen: () => [],
      controlsSeen: () => [],
    },
  };
});
