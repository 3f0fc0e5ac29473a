import WebSocket from 'ws';
import { decodeG711 } from '../../media/g711';

/**
 * The callee's side of a carrier media stream as Twilio (TELEPHONY.md §1.4–1.5) or Telnyx (§2.3)
 * runs it, for the fake vendor servers: opens the WebSocket to the stream URL with the vendor's
 * upgrade headers, sends `connected` and `start`, then streams the callee's line: 20 ms `media`
 * frames of μ-law (silence, 0xFF, unless `say` queued audio), `dtmf` on `press`, `stop` on
 * hang-up. What aizuchi sends plays out at 8000 bytes/s: `mark`s echo when the audio before
 * them has played, and `clear` drops the queue and echoes every pending mark at once (both
 * vendors document this). Twilio's messages are camelCase with `streamSid` on each (ours must
 * carry it too); Telnyx's are snake_case with `stream_id`, and ours need no id.
 */
export interface FakeCalleeStream {
  /** μ-law bytes aizuchi sent that have "played" to the callee, in order. */
  readonly heard: Buffer[];
  /** 20 ms slices of aizuchi's audio that played with speech in them (not silence), so far. */
  readonly voicedFrames: number;
  /** Wall-clock ms of the last voiced slice played (0 before any): tests wait for the agent to fall quiet. */
  readonly lastVoiceAt: number;
  /** Names of marks echoed back, in order. */
  readonly marksEchoed: string[];
  /** Number of `clear` messages received. */
  readonly clears: number;
  /** Messages from aizuchi the vendor would refuse (Twilio 31924, Telnyx 100003): not JSON, unknown event, wrong streamSid. */
  readonly badMessages: number;
  /** Queues μ-law audio as the callee's voice (sent in 20 ms frames at real-time pace). */
  say(mulaw: Buffer): Promise<void>;
  /** The callee presses a key (a `dtmf` event on the inbound track). */
  press(digits: string): void;
  /** Resolves once the socket is closed (by either side). */
  readonly closed: Promise<{ byAizuchi: boolean }>;
  /** The callee hangs up: `stop`, then the socket closes. */
  hangup(): void;
}

const FRAME_BYTES = 160; // 20 ms of μ-law at 8 kHz
const SILENCE = 0xff;

/** The vendor's framing for one stream: its opening `start`, and how its messages name the stream. */
export interface CalleeStreamVendor {
  readonly name: 'twilio' | 'telnyx';
  /** Headers of the WebSocket upgrade (Twilio: X-Twilio-Signature; Telnyx: the stream auth token). */
  readonly headers: Record<string, string>;
  /** The `connected` message and the `start` message, given the sequence counter. */
  opening(seq: () => string): Array<Record<string, unknown>>;
  /** Fields every message we send carries to name the stream (Twilio `streamSid`, Telnyx `stream_id`). */
  readonly idFields: Record<string, string>;
  /** Whether a message from aizuchi names this stream (Twilio requires `streamSid`; Telnyx needs none). */
  accepts(msg: Record<string, unknown>): boolean;
  dtmf(digit: string): Record<string, unknown>;
  stop(): Record<string, unknown>;
}

export function openFakeCalleeStream(url: string, vendor: CalleeStreamVendor): Promise<FakeCalleeStream> {
  const ws = new WebSocket(url, { headers: vendor.headers });
  let seq = 0;
  const seqField = vendor.name === 'twilio' ? 'sequenceNumber' : 'sequence_number';
  let chunk = 0;
  let outQueue: Array<{ audio: Buffer } | { mark: string }> = [];
  const inQueue: Buffer[] = [];
  const state = {
    heard: [] as Buffer[],
    marksEchoed: [] as string[],
    clears: 0,
    badMessages: 0,
    byAizuchi: true,
    voicedFrames: 0,
    lastVoiceAt: 0,
  };
  let said: Array<() => void> = [];
  const send = (msg: Record<string, unknown>) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ ...msg, ...vendor.idFields, [seqField]: String(++seq) }));
  };
  const echoMark = (name: string) => {
    state.marksEchoed.push(name);
    send({ event: 'mark', mark: { name } });
  };

  // One tick = 20 ms both ways: the callee's next frame goes out, and 20 ms of our queue plays.
  const tick = () => {
    let frame = inQueue.shift();
    if (!frame) {
      frame = Buffer.alloc(FRAME_BYTES, SILENCE);
      for (const done of said) done();
      said = [];
    }
    chunk += 1;
    send({
      event: 'media',
      media: { track: 'inbound', chunk: String(chunk), timestamp: String(chunk * 20), payload: frame.toString('base64') },
    });
    let budget = FRAME_BYTES;
    while (outQueue.length > 0) {
      const head = outQueue[0]!;
      if ('mark' in head) {
        outQueue.shift();
        echoMark(head.mark);
        continue;
      }
      if (budget === 0) break;
      const take = head.audio.subarray(0, budget);
      state.heard.push(take);
      // Speech, not comfort silence: some sample louder than -36 dBFS.
      if (decodeG711('mulaw', take).samples.some((v) => Math.abs(v) > 500)) {
        state.voicedFrames++;
        state.lastVoiceAt = Date.now();
      }
      budget -= take.length;
      if (take.length === head.audio.length) outQueue.shift();
      else outQueue[0] = { audio: head.audio.subarray(take.length) };
    }
  };
  let timer: NodeJS.Timeout | null = null;

  const closed = new Promise<{ byAizuchi: boolean }>((resolve) => {
    ws.on('close', () => {
      if (timer) clearInterval(timer);
      resolve({ byAizuchi: state.byAizuchi });
    });
  });

  ws.on('message', (data) => {
    let msg: { event?: unknown; media?: { payload?: unknown }; mark?: { name?: unknown } };
    try {
      msg = JSON.parse(String(data)) as typeof msg;
    } catch {
      state.badMessages++;
      return;
    }
    if (typeof msg !== 'object' || msg === null || !vendor.accepts(msg as Record<string, unknown>)) {
      state.badMessages++;
      return;
    }
    if (msg.event === 'media' && typeof msg.media?.payload === 'string') outQueue.push({ audio: Buffer.from(msg.media.payload, 'base64') });
    else if (msg.event === 'mark' && typeof msg.mark?.name === 'string') outQueue.push({ mark: msg.mark.name });
    else if (msg.event === 'clear') {
      state.clears++;
      const pending = outQueue.filter((q): q is { mark: string } => 'mark' in q);
      outQueue = [];
      for (const m of pending) echoMark(m.mark);
    } else state.badMessages++;
  });

  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () => {
      for (const m of vendor.opening(() => String(++seq))) ws.send(JSON.stringify(m));
      timer = setInterval(tick, 20);
      resolve({
        get heard() {
          return state.heard;
        },
        get voicedFrames() {
          return state.voicedFrames;
        },
        get lastVoiceAt() {
          return state.lastVoiceAt;
        },
        get marksEchoed() {
          return state.marksEchoed;
        },
        get clears() {
          return state.clears;
        },
        get badMessages() {
          return state.badMessages;
        },
        say(mulaw) {
          for (let i = 0; i < mulaw.length; i += FRAME_BYTES) {
            const f = Buffer.alloc(FRAME_BYTES, SILENCE);
            mulaw.copy(f, 0, i, Math.min(i + FRAME_BYTES, mulaw.length));
            inQueue.push(f);
          }
          return new Promise<void>((done) => said.push(done));
        },
        press(digits) {
          for (const digit of digits) send(vendor.dtmf(digit));
        },
        closed,
        hangup() {
          state.byAizuchi = false;
          send(vendor.stop());
          ws.close(1000);
        },
      });
    });
  });
}
