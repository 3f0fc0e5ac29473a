import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bridgeAudio } from '../../src/calls/transfer/audio-bridge';
import { InMemoryAudioChannel } from '../../src/calls/voice/testing/in-memory-channel';
import { rms, sine } from '../../src/media/testing/signals';
import { encodePcm16le } from '../../src/telephony/softphone/protocol';
import { type TestServer, startTestServer } from '../e2e/text-call-harness';
import { OperatorPage, operatorCookie } from './operator-page';

describe('operator console softphone (live transfer leg)', () => {
  let t: TestServer;
  let cookie: string;
  let wsUrl: string;

  beforeAll(async () => {
    t = await startTestServer();
    ({ cookie } = await operatorCookie(t.services, 'desk-op@example.com'));
    wsUrl = `${t.server.url.replace(/^http/, 'ws')}/console/softphone/ws`;
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('serves the console softphone page in ja and en: go available, the offer panel, accept/decline, and the nav link', async () => {
    for (const [lang, words] of [
      ['ja', ['受付開始', '受ける', '断る', 'エージェントの要約']],
      ['en', ['Go available', 'Accept', 'Decline', "Agent's summary"]],
    ] as const) {
      const res = await fetch(`${t.server.url}/console/softphone?lang=${lang}`, { headers: { cookie } });
      expect(res.status).toBe(200);
      const body = await res.text();
      for (const w of words) expect(body).toContain(w.replace("'", '&#39;'));
      expect(body).toContain('/softphone/assets/console-softphone.js');
      expect(body).toContain('"ws":"/console/softphone/ws"');
      expect(body).toContain('href="/console/softphone?lang=');
    }
    const script = await fetch(`${t.server.url}/softphone/assets/console-softphone.js`);
    expect(script.status).toBe(200);
    expect(await script.text()).toContain("from './audio-io.js'");
    const anonymous = await fetch(`${t.server.url}/console/softphone`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
  });

  it('refuses a visitor who is not signed in', async () => {
    await expect(OperatorPage.open(wsUrl)).rejects.toThrow(/HTTP 303/);
    expect(t.services.desk.availableCount()).toBe(0);
  });

  it('an open console is available, gets the warm offer, and once it answers hears the caller and is heard', async () => {
    const page = await OperatorPage.open(wsUrl, cookie);
    await page.until(() => page.json.find((m) => m.type === 'available'), 'available');
    expect(t.services.desk.availableCount()).toBe(1);

    const offered = t.services.desk.offer(
      {
        callId: 'call-x',
        caseId: 'case-x',
        lang: 'en',
        customer: 'a***@example.com',
        reason: 'caller_request',
        summary: 'Right party confirmed.',
        lines: [{ speaker: 'caller', text: 'A person, please.', at: '2026-12-01T01:00:00Z' }],
      },
      { ringMs: 10_000 },
    );
    const offer = await page.until(() => page.json.find((m) => m.type === 'transfer_offer'), 'offer');
    expect(offer).toMatchObject({ caseId: 'case-x', summary: 'Right party confirmed.', lines: [{ text: 'A person, please.' }] });
    page.ws.send(JSON.stringify({ type: 'answer' }));
    const { taken } = await offered;
    expect(taken).not.toBeNull();

    // A phone-side caller (8 kHz) bridged to the page over the real socket.
    const caller = new InMemoryAudioChannel({ sampleRateHz: 8000 });
    const bridge = bridgeAudio(caller, taken!.line);
    for (let i = 0; i < 10; i++) caller.receiveFrame({ samples: sine(1000, 8000, 8000, 160), sampleRateHz: 8000 });
    await page.until(() => page.audio.length >= 10, 'caller audio at the page');
    expect(rms(page.audio[5]!)).toBeGreaterThan(4000);
    for (let i = 0; i < 10; i++) page.ws.send(encodePcm16le(sine(440, 8000, 16000, 320)));
    await page.until(() => caller.sent.length >= 10, 'operator audio on the line');
    expect(rms(caller.sent[5]!.samples)).toBeGreaterThan(4000);

    page.ws.send(JSON.stringify({ type: 'hangup' }));
    await expect(bridge.ended).resolves.toMatchObject({ by: 'operator', lost: false });
    expect(caller.closedReason).toBe('operator_hangup');
    await page.until(() => page.closed !== null, 'socket closed');
  });
});
