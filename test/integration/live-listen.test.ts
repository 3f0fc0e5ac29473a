import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LISTEN_FRAME_SAMPLES } from '../../src/calls/live/call-tap';
import { sine, toneAmplitude } from '../../src/media/testing/signals';
import { type TestServer, TextCaller, callNow, customerWithRequest, startTestServer } from '../e2e/text-call-harness';
import { OperatorPage, operatorCookie } from './operator-page';

/** The page's CSRF token for the listen socket, with the cookie that goes with it. */
async function livePage(t: TestServer, cookie: string): Promise<{ body: string; cookie: string; csrf: string | null }> {
  const res = await fetch(`${t.server.url}/console/live?lang=en`, { headers: { cookie } });
  expect(res.status).toBe(200);
  const set = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
  const body = await res.text();
  const csrf = /"csrf":"([^"]+)"/.exec(body)?.[1] ?? null;
  return { body, cookie: [cookie, ...set].join('; '), csrf };
}

describe('listen in from /console/live (issue 10)', () => {
  let t: TestServer;
  let op: { cookie: string; operatorId: string };
  let viewer: { cookie: string; operatorId: string };
  let caseId: string;
  let callId: string;
  let caller: TextCaller;

  beforeAll(async () => {
    t = await startTestServer({ AIZUCHI_POLICY: 'mailbox' });
    op = await operatorCookie(t.services, 'listen-op@example.com');
    viewer = await operatorCookie(t.services, 'listen-viewer@example.com');
    await t.services.operatorRoles.setRole(viewer.operatorId, 'viewer', 'test');
    ({ caseId } = await customerWithRequest(
      t,
      { email: 'listened@gmail.com', password: 'correct-horse-battery', name: '猪股', phone: '090-1234-5622', lang: 'ja' },
      { withPassword: true },
    ));
    caller = await TextCaller.connect(await callNow(t, caseId));
    await caller.turn();
    callId = (await t.services.calls.callsForCase(caseId)).find((c) => c.call.state === 'active')!.call.id;
  });
  afterAll(async () => {
    caller?.ws.close();
    await t?.stop();
  });

  const url = (id: string, csrf: string) =>
    `${t.server.url.replace(/^http/, 'ws')}/console/live/listen?callId=${encodeURIComponent(id)}&csrf=${encodeURIComponent(csrf)}`;
  const open = (u: string, cookie: string, origin = t.server.url) => OperatorPage.open(u, cookie, { origin });
  const events = async (kind: string) =>
    (await t.services.cases.history(caseId)).filter((e) => e.kind === kind).map((e) => JSON.parse(e.data) as Record<string, unknown>);

  it('shows Listen to operators and not to viewers; a viewer’s forged handshake is refused with 403', async () => {
    const opPage = await livePage(t, op.cookie);
    expect(opPage.body).toContain('data-testid="listen"');
    expect(opPage.body).toContain('/softphone/assets/live-listen.js');
    expect(opPage.csrf).not.toBeNull();
    const ja = await (await fetch(`${t.server.url}/console/live?lang=ja`, { headers: { cookie: op.cookie } })).text();
    expect(ja).toContain('モニター');

    const viewerPage = await livePage(t, viewer.cookie);
    expect(viewerPage.body).not.toContain('data-testid="listen"');
    expect(viewerPage.csrf).toBeNull();
    // Even with an operator's valid token pair the viewer's own session decides.
    await expect(open(url(callId, opPage.csrf!), viewerPage.cookie.replace(op.cookie, viewer.cookie))).rejects.toThrow(/HTTP 403/);
    await expect(OperatorPage.open(url(callId, 'x'))).rejects.toThrow(/HTTP 303/);
    expect(await events('call_listen_started')).toHaveLength(0);
  });

  it('refuses a handshake from another site or without the page’s CSRF token', async () => {
    const { cookie, csrf } = await livePage(t, op.cookie);
    await expect(open(url(callId, csrf!), cookie, 'https://evil.example')).rejects.toThrow(/HTTP 403/);
    await expect(open(url(callId, 'forged-token-forged-token-forged-token'), cookie)).rejects.toThrow(/HTTP 403/);
    await expect(open(url(callId, csrf!), op.cookie)).rejects.toThrow(/HTTP 403/); // the token without its cookie
    expect(await events('call_listen_started')).toHaveLength(0);
  });

  it('a text call has no audio: a clear refusal, nothing recorded', async () => {
    const { cookie, csrf } = await livePage(t, op.cookie);
    const page = await open(url(callId, csrf!), cookie);
    const error = await page.until(() => page.json.find((m) => m.type === 'error'), 'refusal');
    expect(error).toMatchObject({ code: 'no_audio' });
    await page.until(() => page.closed ?? undefined, 'closed');
    expect(page.closed).toBe(4404);
    expect(await events('call_listen_started')).toHaveLength(0);
  });

  it('streams the tapped audio, says when the code span is silent, and audits start and stop with the operator id', async () => {
    const tap = t.services.taps.open(callId);
    const { cookie, csrf } = await livePage(t, op.cookie);
    const page = await open(url(callId, csrf!), cookie);
    await page.until(() => page.json.find((m) => m.type === 'listening'), 'listening');
    expect(tap.active).toBe(true);
    const tone = sine(440, 8000, 16000, LISTEN_FRAME_SAMPLES);
    for (let i = 0; i < 10; i++) tap.push(tone, new Int16Array(LISTEN_FRAME_SAMPLES));
    await page.until(() => page.audio.length >= 10, 'frames');
    expect(toneAmplitude(page.audio[5]!, 440, 16000)).toBeGreaterThan(4000);

    tap.setCodeStep(true);
    await page.until(() => page.json.find((m) => m.type === 'paused' && m.paused === true), 'paused');
    for (let i = 0; i < 10; i++) tap.push(tone, tone);
    await page.until(() => page.audio.length >= 20, 'paused frames');
    expect(page.audio.slice(10, 20).every((f) => f.every((s) => s === 0))).toBe(true);

    const started = await events('call_listen_started');
    expect(started).toEqual([{ callId, operatorId: op.operatorId }]);
    page.ws.close();
    await page.until(async () => (await events('call_listen_stopped')).length > 0 || undefined, 'stopped event');
    await new Promise((r) => setTimeout(r, 100));
    expect(await events('call_listen_stopped')).toEqual([{ callId, operatorId: op.operatorId, reason: 'operator_left' }]);
    expect(tap.active).toBe(false);
    // Nothing that names the customer or a code goes into these events. Ids are random hex and may hold
    // any three digits, so the number is looked for whole and in its groups.
    expect(JSON.stringify([...started, ...(await events('call_listen_stopped'))])).not.toMatch(/listened@|@gmail|1234-?5622|9012345622/);
  });

  it('a socket closed while its handshake still awaits leaves no listener behind, and no started without a stopped', async () => {
    const tap = t.services.taps.open(callId);
    expect(tap.active).toBe(false);
    const before = { started: (await events('call_listen_started')).length, stopped: (await events('call_listen_stopped')).length };
    // Hold the handshake at its audit write (after the lookup) until the page has gone: a tab closed at once.
    const cases = t.services.cases;
    const inTransaction = cases.inTransaction.bind(cases);
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => (release = r));
    let reached = false;
    cases.inTransaction = (async (fn: Parameters<typeof inTransaction>[0]) => {
      reached = true;
      await held;
      return inTransaction(fn);
    }) as typeof cases.inTransaction;
    try {
      const { cookie, csrf } = await livePage(t, op.cookie);
      const page = await open(url(callId, csrf!), cookie);
      await page.until(() => reached || undefined, 'the handshake at its audit write');
      page.ws.close();
      await page.until(() => page.closed ?? undefined, 'closed');
    } finally {
      cases.inTransaction = inTransaction;
      release();
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(tap.active).toBe(false);
    const started = (await events('call_listen_started')).slice(before.started);
    const stopped = (await events('call_listen_stopped')).slice(before.stopped);
    expect(stopped).toEqual(started.map((e) => ({ ...e, reason: 'operator_left' })));
  });

  it('tells the listener when the call ends, and records why it stopped', async () => {
    const tap = t.services.taps.get(callId)!;
    const { cookie, csrf } = await livePage(t, op.cookie);
    const page = await open(url(callId, csrf!), cookie);
    await page.until(() => page.json.find((m) => m.type === 'listening'), 'listening');
    tap.end('call_ended');
    await page.until(() => page.json.find((m) => m.type === 'ended'), 'ended');
    expect(page.json.find((m) => m.type === 'ended')).toEqual({ type: 'ended', reason: 'call_ended' });
    await page.until(() => page.closed ?? undefined, 'closed');
    await new Promise((r) => setTimeout(r, 100));
    expect((await events('call_listen_stopped')).at(-1)).toEqual({ callId, operatorId: op.operatorId, reason: 'call_ended' });
  });

  it('take over: a viewer or a forged form is refused; a call that cannot be handed over says so and nothing is recorded', async () => {
    const post = (cookie: string, body: string) =>
      fetch(`${t.server.url}/console/live/${callId}/take-over?lang=en`, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: t.server.url },
        body,
      });
    const opPage = await livePage(t, op.cookie);
    expect(opPage.body).toContain('data-testid="take-over"');
    const field = /name="_csrf" value="([^"]+)"/.exec(opPage.body)![1]!;
    expect((await post(opPage.cookie, '')).status).toBe(403);
    const viewerPage = await livePage(t, viewer.cookie);
    expect(viewerPage.body).not.toContain('data-testid="take-over"');
    expect((await post(viewerPage.cookie, `_csrf=${field}`)).status).toBe(403);

    // A text call has no line to hand over: a clear message on the live view (ja and en), no event.
    const res = await post(opPage.cookie, `_csrf=${encodeURIComponent(field)}`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/live?lang=en&notice=cannot_hand_off');
    const page = await fetch(`${t.server.url}${res.headers.get('location')}`, { headers: { cookie: op.cookie } });
    expect(await page.text()).toContain('This call cannot be taken over');
    const ja = await fetch(`${t.server.url}/console/live?lang=ja&notice=no_softphone`, { headers: { cookie: op.cookie } });
    expect(await ja.text()).toContain('ソフトフォン');
    expect(await events('call_taken_over')).toHaveLength(0);
  });

  it('on a process that does not run the call: refused, naming the reason', async () => {
    await t.services.store.db.updateTable('calls').set({ owner_id: 'another-host:1:x' }).where('id', '=', callId).execute();
    const { cookie, csrf } = await livePage(t, op.cookie);
    const page = await open(url(callId, csrf!), cookie);
    const error = await page.until(() => page.json.find((m) => m.type === 'error'), 'refusal');
    expect(error).toMatchObject({ code: 'call_on_another_process' });
    await page.until(() => page.closed ?? undefined, 'closed');
    expect(page.closed).toBe(4409);
  });
});
