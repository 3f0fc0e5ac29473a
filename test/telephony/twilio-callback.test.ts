import { afterEach, describe, expect, it } from 'vitest';
import { type FakeCallee, type FakeTwilio, startFakeTwilio } from '../../src/telephony/twilio/testing/fake-twilio-server';
import {
  EN,
  JA,
  LINES,
  type VendorCallRig,
  freePort,
  humanCallee,
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

describe('a voicemail through the fake Twilio', () => {
  it('AnsweredBy=machine_start: the machine hears one message with no personal details, the call ends, and a retry is booked', async () => {
    let attempts = 0;
    const { rig: r, fake: f } = await boot(() => {
      attempts++;
      if (attempts > 1) return { kind: 'hold' };
      return {
        kind: 'answer',
        answeredBy: 'machine_start',
        talk: async (stream) => {
          await stream.say(
            await speechMulaw(
              rig!.services.config.dataDir,
              'ja',
              'ただいま電話に出ることができません。発信音のあとに、お名前とご用件をお話しください。',
            ),
          );
          await stream.closed;
        },
      };
    });
    const { caseId } = await requestCallback(r, JA);
    await until('the first call', () => f.calls.length >= 1);
    const first = f.calls[0]!;
    expect(await first.ended).toBe('completed');
    expect(first.callbacks.map((c) => c.params.AnsweredBy).filter(Boolean)).toEqual(['machine_start']);
    await until('the retry', () => f.calls.length === 2);

    const history = await r.services.cases.history(caseId);
    const kinds = history.map((e) => e.kind);
    expect(kinds).toContain('call_machine');
    expect(kinds).not.toContain('code_sent');
    const ended = history.find((e) => e.kind === 'call_ended');
    expect(JSON.parse(ended!.data)).toMatchObject({ outcome: 'abandoned', detail: 'machine' });
    // What was said to the machine: the company's message only — nothing personal, nobody heard.
    const [call] = await r.services.calls.callsForCase(caseId);
    const said = call!.transcript.map((t) => t.text).join(' ');
    for (const personal of [JA.name, JA.email, '090', '5678', 'MFA', '認証']) expect(said).not.toContain(personal);
    expect(call!.transcript.filter((t) => t.speaker === 'caller')).toEqual([]);
    expect(r.transcription.requests).toHaveLength(0);
    expect(first.media?.voicedFrames ?? 0).toBeGreaterThan(0);
  }, 240_000);
});
