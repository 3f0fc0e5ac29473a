import { afterEach, describe, expect, it } from 'vitest';
import { type FakeCallee, type FakeTwilio, startFakeTwilio } from '../../src/telephony/twilio/testing/fake-twilio-server';
import type { FakeCalleeStream } from '../../src/telephony/testing/fake-callee-stream';
import {
  type Customer,
  type VendorCallRig,
  agentAsked,
  freePort,
  readCode,
  requestCallback,
  speechMulaw,
  until,
  vendorCallRig,
} from './vendor-call-rig';

// Issue 8, done when: a due callback with AIZUCHI_TELEPHONY=twilio, against a local server that
// behaves as Twilio documents (REST, inline TwiML, signed status callbacks, a media stream with
// marks and DTMF), ends in mfa_reset in Japanese and in English with the recognizer speaking the
// OpenAI transcription protocol; a voicemail gets no personal details and a retry.

const SID = `AC${'4'.repeat(32)}`;
const TOKEN = 'done-when-auth-token';

const JA: Customer = { email: 'matty@gmail.com', password: 'correct-horse-battery', name: '猪股', phone: '090-1234-5678', lang: 'ja' };
const EN: Customer = {
  email: 'alexi@gmail.com',
  password: 'correct-horse-battery',
  name: 'Alex Inomata',
  phone: '090-1234-5602',
  lang: 'en',
};
/** What the callee says, turn by turn (what the recognizer answers); the audio is a short real utterance each time. */
const LINES = {
  ja: {
    hello: 'もしもし',
    turns: ['はい、そうです', 'はい、大丈夫です', 'エム、エー、ティ、ティ、ワイ、アットマーク、ジーメールドットコム'],
  },
  en: { hello: 'Hello?', turns: ['Yes, speaking.', "Sure, that's fine.", 'a, l, e, x, i, at gmail dot com'] },
} as const;

let rig: VendorCallRig | null = null;
let fake: FakeTwilio | null = null;
afterEach(async () => {
  await fake?.close();
  await rig?.dispose();
  fake = null;
  rig = null;
}, 120_000);

async function boot(callee: (params: Record<string, string | string[]>) => FakeCallee): Promise<{ rig: VendorCallRig; fake: FakeTwilio }> {
  fake = await startFakeTwilio({ accountSid: SID, authToken: TOKEN, callee });
  rig = await vendorCallRig(await freePort(), {
    AIZUCHI_TELEPHONY: 'twilio',
    AIZUCHI_TWILIO_ACCOUNT_SID: SID,
    AIZUCHI_TWILIO_AUTH_TOKEN: TOKEN,
    AIZUCHI_TWILIO_FROM: '+815012345678',
    AIZUCHI_TWILIO_FROM_EN: '+12025550100',
    AIZUCHI_TWILIO_API_URL: fake.apiUrl,
  });
  return { rig, fake };
}

/** The callee: answers with a short hello, then says each line when the agent falls quiet, then keys the mailed code. */
function humanCallee(
  c: Customer,
  getRig: () => VendorCallRig,
  caseId: () => string,
  done: (e: unknown) => void,
): (stream: FakeCalleeStream) => Promise<void> {
  const lines = LINES[c.lang];
  return async (stream) => {
    try {
      const r = getRig();
      const dir = r.services.config.dataDir;
      // A plain answer's length of real speech: a lone はい is a backchannel while the agent talks.
      const utterance = await speechMulaw(dir, c.lang, c.lang === 'ja' ? 'はい、そうです' : 'Yes, that is right');
      await stream.say(await speechMulaw(dir, c.lang, lines.hello));
      let heard = 0;
      for (const line of lines.turns) {
        await agentAsked(r, caseId(), stream, heard);
        heard = stream.voicedFrames;
        r.nextLine.push(line);
        await stream.say(utterance);
      }
      const code = await readCode(r, c.email);
      await agentAsked(r, caseId(), stream, heard);
      stream.press(code);
      await stream.closed;
      done(null);
    } catch (e) {
      done(e);
    }
  };
}

describe.each([
  ['Japanese', JA],
  ['English', EN],
])('a due callback through the fake Twilio (%s)', (_name, customer) => {
  it('rings the number on record, runs the call over the media stream, and ends mfa_reset', async () => {
    let finished!: (e: unknown) => void;
    const calleeDone = new Promise<unknown>((r) => (finished = r));
    let ids: { accountId: string; caseId: string } | null = null;
    const { rig: r, fake: f } = await boot(() => ({
      kind: 'answer',
      answeredBy: 'human',
      talk: humanCallee(
        customer,
        () => rig!,
        () => ids!.caseId,
        finished,
      ),
    }));
    ids = await requestCallback(r, customer);
    const { accountId, caseId } = ids;

    await until('the Twilio call', () => f.calls.length === 1);
    const call = f.calls[0]!;
    expect(call.params).toMatchObject({
      To: customer.lang === 'ja' ? '+819012345678' : '+819012345602',
      From: customer.lang === 'ja' ? '+815012345678' : '+12025550100',
    });
    const calleeResult = await calleeDone;
    if (calleeResult !== null) {
      // On failure, say how far the call got (case events and the redacted transcript).
      const hist = await r.services.cases.history(caseId);
      console.log('case events', hist.map((e) => `${e.kind} ${e.data}`).join('\n'));
      const calls = await r.services.calls.callsForCase(caseId);
      console.log(
        'transcript',
        JSON.stringify(
          calls.map((c) => c.transcript.map((t) => `${t.speaker}: ${t.text}`)),
          null,
          1,
        ),
      );
      console.log('recognizer requests', r.transcription.requests.length, 'pending lines', r.nextLine);
    }
    expect(calleeResult).toBeNull();
    expect(await call.ended).toBe('completed');

    const [row] = await r.services.calls.callsForCase(caseId);
    expect(row!.call).toMatchObject({ carrier: 'twilio', carrier_call_id: call.sid, outcome: 'mfa_reset', proves_phone_possession: 1 });
    expect(await r.services.identity.getAccount(accountId)).toMatchObject({ mfaEnabled: false });
    // Every status callback was signed and accepted; the agent's marks came back; the recognizer heard each turn.
    expect(call.callbacks.map((c) => c.status).every((s) => s === 204)).toBe(true);
    expect(call.callbacks.map((c) => c.params.CallStatus ?? c.params.AnsweredBy)).toEqual([
      'initiated',
      'ringing',
      'in-progress',
      'human',
      'completed',
    ]);
    expect(call.media!.marksEchoed.length).toBeGreaterThan(0);
    expect(call.media!.badMessages).toBe(0);
    expect(r.transcription.requests.length).toBeGreaterThanOrEqual(LINES[customer.lang].turns.length);
    expect(r.transcription.requests.every((q) => q.language === customer.lang)).toBe(true);
  }, 240_000);
});
