import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import type { AudioChannel } from '../../channels/audio-channel';
import { AizuchiError } from '../../domain/errors';
import type { AudioFrame } from '../../media/frame';
import { decodeG711, encodeG711, G711_SAMPLE_RATE_HZ, type G711Law } from '../../media/g711';
import { Reframer } from '../../media/reframer';
import { parseRtp, serializeRtp } from './rtp';
import { TelephoneEventReceiver } from './telephone-event';

/**
 * The AudioChannel of one SIP call: G.711 over RTP on one UDP port, sent from the port we receive
 * on (symmetric RTP, RFC 4961), latching onto where the far end's media really comes from
 * (TELEPHONY.md §4.6) and ignoring media from anywhere else after that, keys from RFC 4733 events or SIP INFO. Pacing is the caller's: sendFrame
 * sends one packet at once; until the first agent frame, `startSilence` keeps 20 ms of silence
 * flowing so a media relay that waits for our first packet opens its path (§4.6, §8).
 */

export class RtpFrameError extends AizuchiError {
  constructor(message: string) {
    super(message, { code: 'rtp_frame', retryable: false });
  }
}

/** The UDP port a channel sends and receives on; the real one wraps node:dgram, tests may use another. */
export interface DatagramPort {
  send(packet: Buffer, port: number, address: string): void;
  onMessage(listener: (packet: Buffer, from: { address: string; port: number }) => void): void;
  close(): void;
}

/** Binds a UDP port in `[min, max]` on `host` (tries ports in order from a random start; RTP wants an even port, RFC 3550 §11). */
export async function bindRtpPort(host: string, min: number, max: number): Promise<{ port: DatagramPort; localPort: number }> {
  const base = min + (min % 2);
  const evens = max >= base ? Math.floor((max - base) / 2) + 1 : 0;
  const first = evens > 0 ? randomInt(evens) : 0;
  for (let i = 0; i < evens; i++) {
    const candidate = base + ((first + i) % evens) * 2;
    const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const bound = await new Promise<boolean>((resolve) => {
      socket.once('error', () => resolve(false));
      socket.bind(candidate, host, () => resolve(true));
    });
    if (!bound) {
      socket.close();
      continue;
    }
    socket.on('error', () => undefined); // ICMP port unreachable etc.: RTP is best effort.
    return {
      localPort: candidate,
      port: {
        send: (packet, port, address) => socket.send(packet, port, address),
        onMessage: (listener) => socket.on('message', (msg, rinfo) => listener(msg, { address: rinfo.address, port: rinfo.port })),
        close: () => {
          try {
            socket.close();
          } catch {
            // already closed
          }
        },
      },
    };
  }
  throw new RtpFrameError(`no free RTP port in ${min}-${max}`);
}

export interface RtpChannelOptions {
  readonly port: DatagramPort;
  /** From the SDP answer; replaced by the source of the first packet of the negotiated codec (latching). */
  readonly remote: { address: string; port: number };
  readonly payloadType: number;
  readonly law: G711Law;
  readonly telephoneEventPt: number | null;
  /** Called once when the agent side closes the channel (the dialog sends BYE). */
  readonly onLocalClose?: (reason: string) => void;
}

export interface RtpChannelStats {
  packetsIn: number;
  packetsOut: number;
  /** Datagrams that were not RTP, or RTP of a payload type we did not negotiate. */
  packetsIgnored: number;
}

/** An AudioChannel plus the hooks the SIP dialog drives. */
export interface RtpAudioChannel extends AudioChannel {
  /** Keys from a SIP INFO in the dialog. */
  receiveDtmf(digits: string): void;
  /** The far end hung up (BYE): closes without calling onLocalClose. */
  remoteClosed(reason: string): void;
  /** Sends 20 ms silence frames until the first agent frame or close. */
  startSilence(): void;
  readonly closed: boolean;
  stats(): RtpChannelStats;
}

const FRAME_SAMPLES = G711_SAMPLE_RATE_HZ / 50;

export function createRtpChannel(o: RtpChannelOptions): RtpAudioChannel {
  const frameListeners: Array<(f: AudioFrame) => void> = [];
  const dtmfListeners: Array<(d: string) => void> = [];
  const closeListeners: Array<(r: string) => void> = [];
  const events = new TelephoneEventReceiver();
  const reframer = new Reframer(G711_SAMPLE_RATE_HZ);
  const counts: RtpChannelStats = { packetsIn: 0, packetsOut: 0, packetsIgnored: 0 };
  let remote = { ...o.remote };
  let latched = false;
  let closed = false;
  let sequence = randomInt(0x10000);
  let timestamp = randomInt(0x100000000);
  const ssrc = randomInt(0x100000000);
  let first = true;
  let silence: ReturnType<typeof setInterval> | null = null;

  const stopSilence = () => {
    if (silence) clearInterval(silence);
    silence = null;
  };

  const send = (samples: Int16Array) => {
    const payload = Buffer.from(encodeG711(o.law, { samples, sampleRateHz: G711_SAMPLE_RATE_HZ }));
    o.port.send(
      serializeRtp({ marker: first, payloadType: o.payloadType, sequence, timestamp, ssrc, payload }),
      remote.port,
      remote.address,
    );
    first = false;
    sequence = (sequence + 1) & 0xffff;
    timestamp = (timestamp + FRAME_SAMPLES) >>> 0;
    counts.packetsOut++;
  };

  const finish = (reason: string, local: boolean) => {
    if (closed) return;
    closed = true;
    stopSilence();
    o.port.close();
    if (local) o.onLocalClose?.(reason);
    for (const l of closeListeners) l(reason);
  };

  o.port.onMessage((packet, from) => {
    if (closed) return;
    let rtp;
    try {
      rtp = parseRtp(packet);
    } catch {
      counts.packetsIgnored++;
      return;
    }
    const ours = rtp.payloadType === o.payloadType || (o.telephoneEventPt !== null && rtp.payloadType === o.telephoneEventPt);
    if (ours && !latched) {
      // Latch onto the far end's real address (NAT): the first packet of a negotiated type wins.
      remote = { ...from };
      latched = true;
    } else if (latched && (from.address !== remote.address || from.port !== remote.port)) {
      // After latching, media from anywhere else is not the caller's: no injected audio or keys.
      counts.packetsIgnored++;
      return;
    }
    if (rtp.payloadType === o.payloadType) {
      counts.packetsIn++;
      for (const frame of reframer.push(decodeG711(o.law, rtp.payload).samples)) for (const l of frameListeners) l(frame);
    } else if (o.telephoneEventPt !== null && rtp.payloadType === o.telephoneEventPt) {
      counts.packetsIn++;
      const digit = events.accept(rtp.ssrc, rtp.timestamp, rtp.payload);
      if (digit !== null) for (const l of dtmfListeners) l(digit);
    } else counts.packetsIgnored++;
  });

  return {
    kind: 'sip',
    // Without telephone-event the far end can only play keys as tones in the audio (RFC 4733 §1).
    inBandDtmf: o.telephoneEventPt === null,
    sampleRateHz: G711_SAMPLE_RATE_HZ,
    get closed() {
      return closed;
    },
    onFrame: (l) => void frameListeners.push(l),
    onDtmf: (l) => void dtmfListeners.push(l),
    // A phone line has no text box and no screen.
    onText: () => undefined,
    sendCaption: () => undefined,
    sendControl: () => undefined,
    onClose: (l) => void closeListeners.push(l),
    sendFrame(frame) {
      if (frame.sampleRateHz !== G711_SAMPLE_RATE_HZ || frame.samples.length !== FRAME_SAMPLES) {
        throw new RtpFrameError(
          `SIP frames are ${FRAME_SAMPLES} samples at 8000 Hz, got ${frame.samples.length} at ${frame.sampleRateHz} Hz`,
        );
      }
      if (closed) return;
      stopSilence();
      send(frame.samples);
    },
    receiveDtmf(digits) {
      if (closed || digits === '') return;
      for (const l of dtmfListeners) l(digits);
    },
    startSilence() {
      if (closed || silence) return;
      const zero = new Int16Array(FRAME_SAMPLES);
      send(zero);
      silence = setInterval(() => send(zero), 20);
    },
    remoteClosed: (reason) => finish(reason, false),
    close: (reason) => finish(reason, true),
    stats: () => ({ ...counts }),
  };
}
