import { afterEach, describe, expect, it } from 'vitest';
import { decodeG711, encodeG711 } from '../../src/media/g711';
import { sine, toneAmplitude } from '../../src/media/testing/signals';
import { encodePcm16le } from '../../src/telephony/softphone/protocol';
import { type FakeTwilio, startFakeTwilio } from '../../src/telephony/twilio/testing/fake-twilio-server';
import type { FakeCalleeStream } from '../../src/telephony/testing/fake-callee-stream';
import { OperatorPage, operatorCookie } from '../integration/operator-page';
import { JA, type VendorCallRig, agentAsked, freePort, requestCallback, speechMulaw, until, vendorCallRig } from './vendor-call-rig';

// Issue 10, live transfer over a phone channel: a callee on the fake Twilio media stream (8 kHz
// μ-law) asks for a person during business hours; the operator's console softphone (the real
// /console/softphone/ws, 16 kHz PCM) gets the warm offer, accepts, and each side hears the other's
// tone; the case records who took it and the escalation is theirs.

const SID = `AC${'5'.repeat(32)}`;
const TOKEN = 'live-transfer-auth-token';
const CALLER_HZ = 1200;
const OPERATOR_HZ = 700;

let rig: VendorCallRig | null = null;
let fake: FakeTwilio | null = null;
afterEach(async () => {
  await fake?.close();
  await rig?.dispose();
  fake = rig = null;
}, 120_000);

/** Which of the two tones dominates `samples` (8 kHz or 16 kHz), with both levels for the message. */
function dominantTone(samples: Int16Array, rateHz: number): { caller: number; operator: number } {
  return { caller: toneAmplitude(samples, CALLER_HZ, rateHz), operator: toneAmplitude(samples, OPERATOR_HZ, rateHz) };
}

describe('live transfer over the fake Twilio media stream', () => {
  it('asks for a person, hears the hold chime, is put through to the operator who accepts; both hear each other', async () => {
    let stream!: FakeCalleeStream;
    let onAnswer!: () => void;
    const answered = new Promise<void>((resolve) => (onAnswer = resolve));
    fake = await startFakeTwilio({
      accountSid: SID,
      authToken: TOKEN,
      callee: () => ({
        kind: 'answer',
        answeredBy: 'human',
        talk: async (s) => {
          stream = s;
          onAnswer();
          await s.closed;
        },
      }),
    });
    rig = await vendorCallRig(await freePort(), {
      AIZUCHI_TELEPHONY: 'twilio',
      AIZUCHI_TWILIO_ACCOUNT_SID: SID,
      AIZUCHI_TWILIO_AUTH_TOKEN: TOKEN,
      AIZUCHI_TWILIO_FROM: '+815012345678',
      AIZUCHI_TWILIO_API_URL: fake.apiUrl,
    });
    const r = rig;
    const { cookie, operatorId } = await operatorCookie(r.services, 'desk@aizuchi.localhost');
    const page = await OperatorPage.open(`${r.publicUrl.replace(/^http/, 'ws')}/console/softphone/ws`, cookie);
    await page.until(() => page.json.find((m) => m.type === 'available'), 'the console to be available');

    const { caseId } = await requestCallback(r, JA);
    await answered;
    const dir = r.services.config.dataDir;
    await stream.say(await speechMulaw(dir, 'ja', 'もしもし'));
    await agentAsked(r, caseId, stream, 0);
    r.nextLine.push('担当者と話したいです');
    await stream.say(await speechMulaw(dir, 'ja', '担当者と話したいです'));

    // Warm: the offer carries the case, the summary and the transcript so far (the request included).
    const offer = await page.until(() => page.json.find((m) => m.type === 'transfer_offer'), 'the warm offer', 90_000);
    expect(offer).toMatchObject({ caseId, lang: 'ja', reason: 'caller_request', customer: 'm***@gmail.com' });
    expect(String(offer.summary)).not.toBe('');
    expect((offer.lines as Array<{ text: string }>).map((l) => l.text).join(' ')).toContain('担当者と話したいです');
    // The agent said it is putting the caller through, and the caller hears the hold chime meanwhile.
    const transcript = (await r.services.calls.callsForCase(caseId))[0]!.transcript.map((l) => l.text).join(' ');
    expect(transcript).toContain('担当者におつなぎします');
    const heldFrom = stream.heard.length;
    await until('hold audio on the line', () => stream.heard.length > heldFrom + 25);
    page.ws.send(JSON.stringify({ type: 'answer' }));
    await page.until(() => page.json.find((m) => m.type === 'transfer_connected'), 'connected');

    // Caller → operator: one second of the caller's tone arrives at the console at 16 kHz.
    const pageFrom = page.audio.length;
    await stream.say(Buffer.from(encodeG711('mulaw', { samples: sine(CALLER_HZ, 8000, 8000, 8000), sampleRateHz: 8000 })));
    await page.until(() => page.audio.length >= pageFrom + 40, 'caller audio at the console');
    const atConsole = dominantTone(Int16Array.from(page.audio.slice(pageFrom + 10, pageFrom + 40).flatMap((f) => [...f])), 16000);
    expect(atConsole.caller, JSON.stringify(atConsole)).toBeGreaterThan(2000);
    expect(atConsole.caller).toBeGreaterThan(5 * atConsole.operator);

    // Operator → caller: the operator's tone reaches the phone line at 8 kHz μ-law (after whatever
    // the carrier still had queued ahead of it: media streams play what they are sent in order).
    const lineFrom = stream.heard.length;
    for (let i = 0; i < 100; i++)
      page.ws.send(encodePcm16le(sine(OPERATOR_HZ, 8000, 16000, 320, (2 * Math.PI * OPERATOR_HZ * i * 320) / 16000)));
    const lastHeard = () => dominantTone(decodeG711('mulaw', Buffer.concat(stream.heard.slice(lineFrom).slice(-20))).samples, 8000);
    await until('operator audio on the phone line', () => stream.heard.length >= lineFrom + 20 && lastHeard().operator > 2000);
    const atCaller = lastHeard();
    expect(atCaller.operator).toBeGreaterThan(5 * atCaller.caller);

    page.ws.send(JSON.stringify({ type: 'hangup' }));
    expect(await stream.closed).toMatchObject({ byAizuchi: true });

    await until('the transfer to end in the case', async () =>
      (await r.services.cases.history(caseId)).some((e) => e.kind === 'transfer_ended'),
    );
    const history = await r.services.cases.history(caseId);
    const kinds = history.map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['transfer_offered', 'transfer_answer', 'transfer_connected', 'escalation_claimed']));
    expect(kinds).not.toContain('transfer_fallback');
    const data = (kind: string) => JSON.parse(history.find((e) => e.kind === kind)!.data) as Record<string, unknown>;
    expect(data('transfer_connected')).toMatchObject({ operatorId });
    expect(data('escalation_claimed')).toMatchObject({ operatorId, by: 'transfer' });
    expect(data('transfer_ended')).toMatchObject({ operatorId, by: 'operator' });
    const [call] = await r.services.calls.callsForCase(caseId);
    expect(call!.call).toMatchObject({ carrier: 'twilio', outcome: 'escalated' });
    expect(await r.services.cases.get(caseId)).toMatchObject({ state: 'escalated' });
    // Put through to a person: no "a person will contact you" mail.
    const mails = history.filter((e) => e.kind === 'notification_queued').map((e) => JSON.parse(e.data).template as string);
    expect(mails).not.toContain('handed-over');
  }, 240_000);
});
