import type { G711Law } from '../../media/g711';
import { AizuchiError } from '../../domain/errors';

/**
 * SDP (RFC 4566) for one audio stream and the offer/answer rules we need (RFC 3264): we offer
 * PCMU, PCMA and telephone-event/8000 at 20 ms (TELEPHONY.md §4.1, the shape baresip sends) and read
 * the answer's first audio stream.
 */

export class SdpError extends AizuchiError {
  constructor(message: string) {
    super(message, { code: 'sdp', retryable: false });
  }
}

/** Static payload types (RFC 3551 table 4) and the dynamic one we pick for telephone-event. */
export const PT_PCMU = 0;
export const PT_PCMA = 8;
export const PT_TELEPHONE_EVENT = 101;

export interface SdpOfferInput {
  /** The address the far end sends media to (our public address, §4.6). */
  readonly address: string;
  readonly port: number;
  readonly sessionId: string;
  /** o= version; unchanged when the same SDP is repeated for a re-INVITE (§4.1). */
  readonly version: number;
}

/** Our offer: `m=audio <port> RTP/AVP 0 8 101`, ptime 20, sendrecv. */
export function buildOffer(o: SdpOfferInput): string {
  const ipv = o.address.includes(':') ? 'IP6' : 'IP4';
  return [
    'v=0',
    `o=aizuchi ${o.sessionId} ${o.version} IN ${ipv} ${o.address}`,
    's=aizuchi',
    `c=IN ${ipv} ${o.address}`,
    't=0 0',
    `m=audio ${o.port} RTP/AVP ${PT_PCMU} ${PT_PCMA} ${PT_TELEPHONE_EVENT}`,
    `a=rtpmap:${PT_PCMU} PCMU/8000`,
    `a=rtpmap:${PT_PCMA} PCMA/8000`,
    `a=rtpmap:${PT_TELEPHONE_EVENT} telephone-event/8000`,
    `a=fmtp:${PT_TELEPHONE_EVENT} 0-15`,
    'a=ptime:20',
    'a=sendrecv',
    '',
  ].join('\r\n');
}

export interface SdpMedia {
  readonly type: string;
  readonly port: number;
  readonly proto: string;
  readonly formats: number[];
  /** payload type → encoding name (upper case) and clock rate. */
  readonly rtpmap: Map<number, { name: string; rate: number }>;
  readonly connection?: string;
  readonly direction: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
}

export interface SdpSession {
  readonly connection?: string;
  readonly media: SdpMedia[];
}

const MAX_SDP_BYTES = 16_384;

/** Parses the parts of an SDP body we use. Throws SdpError on malformed input. */
export function parseSdp(text: string): SdpSession {
  if (text.length > MAX_SDP_BYTES) throw new SdpError('SDP too large');
  let sessionConnection: string | undefined;
  const media: Array<{ -readonly [K in keyof SdpMedia]: SdpMedia[K] }> = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    if (!/^[a-z]=/.test(line)) throw new SdpError('bad SDP line');
    const kind = line[0];
    const value = line.slice(2);
    const current = media[media.length - 1];
    if (kind === 'c') {
      const m = /^IN IP[46] (\S+)$/.exec(value);
      if (!m) throw new SdpError('bad c= line');
      const addr = m[1]!.split('/')[0]!;
      if (current) current.connection = addr;
      else sessionConnection = addr;
    } else if (kind === 'm') {
      const m = /^(\w+) (\d{1,5})(?:\/\d+)? (\S+)((?: \S+)*)$/.exec(value);
      if (!m) throw new SdpError('bad m= line');
      const port = Number(m[2]);
      if (port > 65535) throw new SdpError('bad m= port');
      const formats = m[4]!
        .trim()
        .split(' ')
        .filter(Boolean)
        .map((f) => Number(f));
      if (formats.some((f) => !Number.isInteger(f) || f < 0 || f > 127)) throw new SdpError('bad payload type');
      media.push({ type: m[1]!, port, proto: m[3]!, formats, rtpmap: new Map(), direction: 'sendrecv' });
    } else if (kind === 'a' && current) {
      const rtpmap = /^rtpmap:(\d{1,3}) ([\w.-]+)\/(\d{1,6})/.exec(value);
      if (rtpmap) current.rtpmap.set(Number(rtpmap[1]), { name: rtpmap[2]!.toUpperCase(), rate: Number(rtpmap[3]) });
      else if (value === 'sendrecv' || value === 'sendonly' || value === 'recvonly' || value === 'inactive') current.direction = value;
    }
  }
  return { ...(sessionConnection === undefined ? {} : { connection: sessionConnection }), media };
}

export interface NegotiatedAudio {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly payloadType: number;
  readonly law: G711Law;
  /** The answer's telephone-event/8000 payload type, or null: keys then come in band. */
  readonly telephoneEventPt: number | null;
  readonly direction: SdpMedia['direction'];
}

function encodingOf(m: SdpMedia, pt: number): { name: string; rate: number } | undefined {
  const mapped = m.rtpmap.get(pt);
  if (mapped) return mapped;
  if (pt === PT_PCMU) return { name: 'PCMU', rate: 8000 };
  if (pt === PT_PCMA) return { name: 'PCMA', rate: 8000 };
  return undefined;
}

/**
 * Reads an answer to our offer: the first audio stream with a non-zero port, its first G.711 payload
 * type (the answerer's preference order), and telephone-event if it kept it. Throws SdpError when the
 * answer rejected audio or picked nothing we offered.
 */
export function negotiateAnswer(session: SdpSession): NegotiatedAudio {
  const audio = session.media.find((m) => m.type === 'audio');
  if (!audio || audio.port === 0) throw new SdpError('the answer rejected the audio stream');
  const address = audio.connection ?? session.connection;
  if (!address) throw new SdpError('the answer has no connection address');
  let chosen: { pt: number; law: G711Law } | undefined;
  let telephoneEventPt: number | null = null;
  for (const pt of audio.formats) {
    const enc = encodingOf(audio, pt);
    if (!enc || enc.rate !== 8000) continue;
    if (!chosen && enc.name === 'PCMU') chosen = { pt, law: 'mulaw' };
    else if (!chosen && enc.name === 'PCMA') chosen = { pt, law: 'alaw' };
    else if (enc.name === 'TELEPHONE-EVENT' && telephoneEventPt === null) telephoneEventPt = pt;
  }
  if (!chosen) throw new SdpError('the answer has neither PCMU nor PCMA');
  return {
    remoteAddress: address,
    remotePort: audio.port,
    payloadType: chosen.pt,
    law: chosen.law,
    telephoneEventPt,
    direction: audio.direction,
  };
}
