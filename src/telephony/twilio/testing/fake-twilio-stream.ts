import WebSocket from 'ws';
import twilio from 'twilio';

/**
 * The callee's side of a Twilio `<Connect><Stream>` as Twilio runs it (TELEPHONY.md §1.4–1.5),
 * for the fake Twilio server: opens the WebSocket to the TwiML's stream URL (the upgrade signed
 * with `X-Twilio-Signature` over the URL, §1.3), sends `connected` and `start` with the
 * `<Parameter>`s as `customParameters`, then streams the callee's line: 20 ms `media` frames of
 * μ-law (silence, 0xFF, unless `say` queued audio), `dtmf` on `press`, `stop` on hang-up.
 * What aizuchi sends plays out at 8000 bytes/s: `mark`s echo when the audio before them has
 * played, and `clear` drops the queue and echoes every pending mark at once, as Twilio does.
 */
export interface FakeTwilioStream {
  readonly streamSid: string;
  /** μ-law bytes aizuchi sent that have "played" to the callee, in order. */
  readonly heard: Buffer[];
  /** Names of marks echoed back, in order. */
  readonly marksEchoed: string[];
  /** Number of `clear` messages received. */
  readonly clears: number;
  /** Messages from aizuchi that Twilio would refuse (error 31924 family): not JSON, unknown event, wrong streamSid. */
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

export function openFakeTwilioStream(opts: {
  url: string;
  authToken: string;
  accountSid: string;
  callSid: string;
  customParameters: Record<string, string>;
}): Promise<FakeTwilioStream> {
  const streamSid = `MZ${opts.callSid.slice(2)}`;
  const signature = twilio.getExpectedTwilioSignature(opts.authToken, opts.url, {});
  const ws = new WebSocket(opts.url, { headers: { 'x-twilio-signature': signature } });
  let seq = 0;
  let chunk = 0;
  let outQueue: Array<{ audio: Buffer } | { mark: string }> = [];
  const inQueue: Buffer[] = [];
  const state = { heard: [] as Buffer[], marksEchoed: [] as string[], clears: 0, badMessages: 0, byAizuchi: true };
  let said: Array<() => void> = [];
  const send = (msg: Record<string, unknown>) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ ...msg, sequenceNumber: String(++seq) }));
  };
  const echoMark = (name: string) => {
    state.marksEchoed.push(name);
    send({ event: 'mark', streamSid, mark: { name } });
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
      streamSid,
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
    let msg: { event?: unknown; streamSid?: unknown; media?: { payload?: unknown }; mark?: { name?: unknown } };
    try {
      msg = JSON.parse(String(data)) as typeof msg;
    } catch {
      state.badMessages++;
      return;
    }
    if (msg.streamSid !== streamSid) {
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
      ws.send(JSON.stringify({ event: 'connected', protocol: 'Call', version: '1.0.0' }));
      send({
        event: 'start',
        streamSid,
        start: {
          streamSid,
          accountSid: opts.accountSid,
          callSid: opts.callSid,
          tracks: ['inbound'],
          customParameters: opts.customParameters,
          mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
        },
      });
      timer = setInterval(tick, 20);
      resolve({
        streamSid,
        get heard() {
          return state.heard;
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
          for (const digit of digits) send({ event: 'dtmf', streamSid, dtmf: { track: 'inbound_track', digit } });
        },
        closed,
        hangup() {
          state.byAizuchi = false;
          send({ event: 'stop', streamSid, stop: { accountSid: opts.accountSid, callSid: opts.callSid } });
          ws.close(1000);
        },
      });
    });
  });
}
