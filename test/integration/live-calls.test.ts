import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SseReader } from '../e2e/support/sse-reader';
import { type Customer, type TestServer, TextCaller, callNow, customerWithRequest, startTestServer } from '../e2e/text-call-harness';

describe('live calls view', () => {
  let t: TestServer;
  let cookie: string;

  beforeAll(async () => {
    t = await startTestServer({ AIZUCHI_POLICY: 'mailbox' });
    const { account } = await t.services.identity.createAccount({
      email: 'live-op@example.com',
      password: 'operator password',
      name: 'Op',
      phone: '03-1234-5678',
      role: 'operator',
      mfa: true,
    });
    cookie = `aizuchi_session=${(await t.services.identity.sessions.create(account.id, 'full', new Date())).token}`;
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('is for signed-in operators only: the page and the stream', async () => {
    const page = await fetch(`${t.server.url}/console/live`, { redirect: 'manual' });
    expect(page.status).toBe(303);
    const stream = await fetch(`${t.server.url}/console/live/events`, { redirect: 'manual' });
    expect(stream.status).toBe(303);
  });

  it('streams a call from start to end: step changes and transcript lines as stored, the customer masked, no secret', async () => {
    const c: Customer = {
      email: 'livecaller@gmail.com',
      password: 'correct-horse-battery',
      name: '猪股',
      phone: '090-1234-5611',
      lang: 'ja',
    };
    const { caseId } = await customerWithRequest(t, c, { withPassword: true });
    const sse = await SseReader.open(`${t.server.url}/console/live/events`, cookie);
    try {
      expect(sse.status).toBe(200);
      await sse.waitFor((e) => e.type === 'snapshot');

      const call = await TextCaller.connect(await callNow(t, caseId));
      await call.turn();
      const started = await sse.waitFor((e) => e.type === 'started');
      const info = started.call as Record<string, unknown>;
      expect(info).toMatchObject({ caseId, channel: 'text', lang: 'ja', step: 'greet' });
      expect(info.customer).not.toContain('livecaller');
      expect(info.customer).toMatch(/@gmail\.com$/);
      const callId = info.callId as string;
      await sse.waitFor((e) => e.type === 'line' && (e.line as { speaker: string }).speaker === 'agent');

      // While the call runs, the page (server-rendered) already shows it with its lines.
      const ja = await fetch(`${t.server.url}/console/live?lang=ja`, { headers: { cookie } });
      expect(ja.status).toBe(200);
      const jaBody = await ja.text();
      expect(jaBody).toContain('ライブ通話');
      expect(jaBody).toContain(`data-call-id="${callId}"`);
      expect(jaBody).toMatch(/エージェント<\/b>: .*ご本人様/);
      const en = await (await fetch(`${t.server.url}/console/live?lang=en`, { headers: { cookie } })).text();
      expect(en).toContain('Live calls');
      expect(en).toContain('Right party');
      // The same nav as the rest of the console, and its sign-out form carries the CSRF field
      // (without it POST /signout answers 403).
      expect(en).toContain('href="/console/escalations?lang=en"');
      expect(en).toMatch(/<form method="post" action="\/signout"[^>]*><input type="hidden" name="_csrf"/);

      await call.say('はい、猪股です。');
      await call.say('大丈夫です');
      // The caller reads out a password: it never reaches the live view, as it never reaches the store.
      await call.say('パスワードは Hunter2xyz!9 です');
      const step = await sse.waitFor((e) => e.type === 'step' && e.callId === callId && e.step !== 'greet');
      expect(typeof step.step).toBe('string');
      const callerLines = () =>
        sse.events
          .filter((e) => e.type === 'line' && (e.line as { speaker: string }).speaker === 'caller')
          .map((e) => (e.line as { text: string }).text);
      await sse.waitFor(() => callerLines().length >= 3);
      // In the email step a caller line is kept as a redaction marker only; nowhere a secret or the address.
      expect(callerLines()[2]).toMatch(/redacted/);
      expect(JSON.stringify(sse.events)).not.toMatch(/Hunter2xyz|livecaller/);
      const stored = (await t.services.calls.callsForCase(caseId))[0]!.transcript;
      // Every line the view got is one the store holds, word for word and in order.
      const streamed = sse.events.filter((e) => e.type === 'line' && e.callId === callId).map((e) => (e.line as { text: string }).text);
      expect(streamed).toEqual(stored.map((l) => l.text).slice(0, streamed.length));

      call.ws.close();
      const ended = await sse.waitFor((e) => e.type === 'ended' && e.callId === callId);
      expect(ended.outcome).toBe('abandoned');
      expect((await t.services.live.snapshot()).map((v) => v.callId)).not.toContain(callId);
    } finally {
      sse.close();
    }
  });
});
