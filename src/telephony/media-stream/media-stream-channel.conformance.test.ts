import { audioChannelConformance } from '../../channels/audio-channel.conformance';
import { decodeG711, encodeG711 } from '../../media/g711';
import { telnyxWire } from './testing/telnyx-wire';
import { twilioWire } from './testing/twilio-wire';
import { openInMemoryStream } from './testing/in-memory-stream';
import type { VendorWire } from './testing/vendor-wire';
import { exotelWire } from './testing/exotel-wire';
import { plivoWire } from './testing/plivo-wire';
import { vonageWire } from './testing/vonage-wire';

/** What μ-law does to one sample: the carrier's and our codec are both G.711. */
const mulaw = (sample: number) =>
  decodeG711('mulaw', encodeG711('mulaw', { samples: Int16Array.of(sample), sampleRateHz: 8000 })).samples[0]!;

function conformance(name: string, makeWire: () => VendorWire, roundTrip?: (sample: number) => number): void {
  audioChannelConformance(`media stream (${name})`, async () => {
    const { channel, carrier } = await openInMemoryStream(makeWire());
    if (!channel) throw new Error('the stream was refused');
    return {
      channel,
      carriesInBandTones: false, // every supported vendor sends keys as events
      hasScreen: false,
      ...(roundTrip ? { roundTrip } : {}),
      remote: {
        sendFrame: (frame) => carrier.sendAudio(frame.samples),
        sendDtmf: (digits) => carrier.sendDtmf(digits),
        hangUp: () => carrier.hangUp(),
        framesHeard: () => carrier.heard(),
        captionsSeen: () => [],
        controlsSeen: () => carrier.outbound.filter((m) => m.type === 'other').map((m) => ({ other: m.value })),
      },
    };
  });
}

conformance('Twilio, μ-law 8 kHz', () => twilioWire(), mulaw);
conformance('Telnyx, L16 16 kHz', () => telnyxWire({ encoding: 'L16', sampleRateHz: 16000 }));
conformance('Telnyx, PCMU', () => telnyxWire(), mulaw);
conformance('Plivo, μ-law 8 kHz', () => plivoWire(), mulaw);
conformance('Exotel, raw PCM 8 kHz', () => exotelWire());
conformance('Vonage, L16 16 kHz', () => vonageWire());
