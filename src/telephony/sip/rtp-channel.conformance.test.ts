import alawmulaw from 'alawmulaw';
import { audioChannelConformance } from '../../channels/audio-channel.conformance';
import { decodeG711, encodeG711 } from '../../media/g711';
import { parseRtp, serializeRtp } from './rtp';
import { createRtpChannel, type DatagramPort } from './rtp-channel';
import { eventOf, serializeTelephoneEvent } from './telephone-event';

/** The far end of an RTP path in memory: what the channel sends is kept as RTP bytes; what the phone sends is real RTP too. */
function memoryPort() {
  const sent: Buffer[] = [];
  let listener: ((packet: Buffer, from: { address: string; port: number }) => void) | null = null;
  const port: DatagramPort = {
    send: (packet) => void sent.push(Buffer.from(packet)),
    onMessage: (l) => void (listener = l),
    close: () => undefined,
  };
  return { port, sent, deliver: (packet: Buffer) => listener?.(packet, { address: '192.0.2.50', port: 40000 }) };
}

for (const variant of [
  { name: 'SIP RTP channel (PCMU, RFC 4733 keys)', law: 'mulaw' as const, pt: 0, te: 101 as number | null },
  { name: 'SIP RTP channel (PCMA, keys by SIP INFO or in band)', law: 'alaw' as const, pt: 8, te: null },
]) {
  audioChannelConformance(variant.name, () => {
    const wire = memoryPort();
    const channel = createRtpChannel({
      port: wire.port,
      remote: { address: '192.0.2.50', port: 40000 },
      payloadType: variant.pt,
      law: variant.law,
      telephoneEventPt: variant.te,
    });
    let seq = 0;
    let ts = 0;
    const codec = alawmulaw[variant.law];
    return {
      channel,
      carriesInBandTones: variant.te === null,
      hasScreen: false,
      roundTrip: (sample) => codec.decode(codec.encode(Int16Array.of(sample)))[0]!,
      remote: {
        sendFrame(frame) {
          const payload = Buffer.from(encodeG711(variant.law, frame));
          wire.deliver(serializeRtp({ marker: false, payloadType: variant.pt, sequence: seq++, timestamp: (ts += 160), ssrc: 9, payload }));
        },
        sendDtmf(digits) {
          if (variant.te === null) return channel.receiveDtmf(digits); // what the dialog does with a SIP INFO
          for (const key of digits) {
            ts += 1600;
            for (const end of [false, false, true, true, true]) {
              const payload = serializeTelephoneEvent({ event: eventOf(key)!, end, volume: 10, duration: 800 });
              wire.deliver(serializeRtp({ marker: !end, payloadType: variant.te, sequence: seq++, timestamp: ts, ssrc: 9, payload }));
            }
          }
        },
        hangUp: () => channel.remoteClosed('caller hung up'), // what the dialog does with a BYE
        framesHeard: () => wire.sent.map((p) => decodeG711(variant.law, parseRtp(p).payload).samples),
        captionsSeen: () => [],
        controlsSeen: () => [],
      },
    };
  });
}
