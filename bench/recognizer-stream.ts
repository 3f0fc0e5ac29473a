import { RecognitionTurns } from '../src/calls/voice/recognition-turns';
import { resultsMessage, startLiveServer, type LiveScript, type LiveServer } from '../src/speech/deepgram/deepgram-live-server';
import { DeepgramRecognizer } from '../src/speech/deepgram/deepgram-recognizer';
import { toneFrames } from '../src/speech/recognizer-test-audio';

const RATE = 16000;
const KEY = 'bench-key';

export interface RecognizerStreamBench {
  /** Caller turns carried by one recognizer stream (Deepgram protocol, Finalize at each endpoint). */
  readonly turnsPerStream: number;
  /** From a socket dropped mid-turn to the first final of the replacement stream (ms). */
  readonly recoveryAfterDropMs: number | null;
  /** The same, when the engine then refuses connections for 2 s (503). */
  readonly recoveryAfter2sOutageMs: number | null;
}

/** One call's recognizer side against the local Deepgram-protocol server (loopback only, bounded). */
async function runCall(script: (server: () => LiveServer) => LiveScript, turns: number): Promise<RecognitionTurns> {
  let server: LiveServer | null = null;
  const own = () => server as LiveServer;
  server = await startLiveServer(KEY, {
    onFinalize: (s) => [resultsMessage({ transcript: `${s.audioBytes} bytes`, isFinal: true, startSec: 0, durationSec: 0.2 })],
    ...script(own),
  });
  let finals = 0;
  const line = new RecognitionTurns({
    recognizer: new DeepgramRecognizer({ apiKey: KEY, baseUrl: server.baseUrl }),
    lang: 'ja',
    sampleRateHz: RATE,
    preRollFrames: 15,
    onHypothesis: (h) => void (h.isFinal && finals++),
    onFailure: () => undefined,
  });
  try {
    for (let turn = 0; turn < turns; turn++) {
      line.begin();
      for (const frame of toneFrames(400, RATE)) line.push(frame);
      line.finish();
      const deadline = Date.now() + 10_000;
      while (finals <= turn && Date.now() < deadline && !line.failed) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return line;
  } finally {
    line.close();
    await server.close();
  }
}

/** Stream reuse and recovery after an injected recognizer drop (issue 9). */
export async function benchRecognizerStream(turns: number): Promise<RecognizerStreamBench> {
  const steady = await runCall(() => ({}), turns);
  const dropped = await runCall(() => ({ dropAfterBytes: { bytes: 6400, sessions: 1 } }), 2);
  let outageEnds: number | null = null;
  const outage = await runCall(
    (server) => ({
      dropAfterBytes: { bytes: 6400, sessions: 1 },
      refuse: () => {
        if (server().sessions.length === 0) return null;
        outageEnds ??= Date.now() + 2000;
        return Date.now() < outageEnds ? 503 : null;
      },
    }),
    2,
  );
  return {
    turnsPerStream: steady.stats.streamsOpened === 0 ? 0 : steady.stats.turns / steady.stats.streamsOpened,
    recoveryAfterDropMs: dropped.stats.recoveryMs[0] ?? null,
    recoveryAfter2sOutageMs: outage.stats.recoveryMs[0] ?? null,
  };
}
