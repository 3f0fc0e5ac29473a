import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Customer,
  type TestServer,
  TextCaller,
  callNow,
  customerWithRequest,
  ending,
  readCode,
  startTestServer,
} from '../e2e/text-call-harness';
import { InjectBrowser } from '../e2e/support/inject-browser';

// Issue 7, finding 1: "operators lose MFA to the agent". Privilege follows from what an account can
// do (its role), never from an opt-in flag; accounts that can act on others never recover through
// the agent, and operators without MFA cannot sign in at all.

const JA_LINES = ['はい、そうです', 'はい、大丈夫です'];

let t: TestServer;
const logs: string[] = [];

beforeAll(async () => {
  // `mailbox` is the most permissive preset: if an operator cannot recover under it, it cannot under any.
  t = await startTestServer({ AIZUCHI_POLICY: 'mailbox' }, undefined, logs);
});

afterAll(async () => {
  await t?.stop();
});

describe('privileged accounts (red team, finding 1)', () => {
  it('an operator with MFA goes through a full call with password + mailed code → not reset, a person decides', async () => {
    const op: Customer = {
      email: 'matty@gmail.com',
      password: 'correct-horse-battery',
      name: '猪股',
      phone: '090-1234-5601',
      lang: 'ja',
      role: 'operator',
    };
    const { accountId, caseId } = await customerWithRequest(t, op, { withPassword: true });
    const call = await TextCaller.connect(await callNow(t, caseId));
    await call.turn();
    for (const line of [...JA_LINES, 'エム、エー、ティ、ティ、ワイ、アットマーク、ジーメールドットコム']) await call.say(line);
    const end = await call.dtmf(await readCode(t, op.email));
    expect(ending(end)).toBe('escalated');
    expect(await t.services.identity.getAccount(accountId)).toMatchObject({
      role: 'operator',
      privileged: true,
      mfaEnabled: true,
      mfaEnrollRequired: false,
    });
    expect(await t.services.cases.require(caseId)).toMatchObject({ state: 'escalated' });
    const decision = JSON.parse((await t.services.cases.history(caseId)).find((e) => e.kind === 'reset_decision')!.data);
    expect(decision).toMatchObject({ decision: 'needs_person', reasons: ['privileged_account'] });
  });

  it('an operator row whose legacy `privileged` column says 0 is still privileged: the role decides', async () => {
    const { account } = await t.services.identity.createAccount({
      email: 'legacy-op@example.com',
      password: 'operator password',
      name: 'Op',
      phone: '03-1234-5678',
      role: 'operator',
      mfa: true,
    });
    await t.services.store.db.updateTable('accounts').set({ privileged: 0 }).where('id', '=', account.id).execute();
    expect(await t.services.identity.getContact(account.id)).toMatchObject({ privileged: true });
    expect(await t.services.identity.getAccount(account.id)).toMatchObject({ privileged: true });
  });

  it('an operator without MFA cannot sign in: a clear refusal, a warning in the log, and no console', async () => {
    const op = { email: 'nomfa-op@example.com', password: 'operator password' };
    const { account } = await t.services.identity.createAccount({ ...op, name: 'Op', phone: '03-1234-5678', role: 'operator' });
    const b = new InjectBrowser(t.server.app, '192.0.2.50');
    const res = await b.signIn(op.email, op.password);
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('cannot sign in without MFA');
    expect(res.cookies.some((c) => c.name === 'aizuchi_session' && c.value !== '')).toBe(false);
    const console = await b.get('/console');
    expect(console.statusCode).toBe(303);
    expect(console.headers.location).toMatch(/^\/signin/);
    const refused = logs
      .map((l) => JSON.parse(l) as { level: number; msg: string; accountId?: string })
      .filter((l) => l.msg === 'sign-in refused: privileged account without MFA');
    expect(refused).toEqual([expect.objectContaining({ level: 40, accountId: account.id })]);
    // The wrong password still gets the ordinary answer: the refusal needs the right one.
    expect((await new InjectBrowser(t.server.app, '192.0.2.51').signIn(op.email, 'wrong password!')).statusCode).toBe(401);
  });

  it('a full session left from before MFA was removed does not open the console either', async () => {
    const { account } = await t.services.identity.createAccount({
      email: 'stale-op@example.com',
      password: 'operator password',
      name: 'Op',
      phone: '03-1234-5678',
      role: 'operator',
      mfa: true,
    });
    const session = await t.services.identity.sessions.create(account.id, 'full', new Date());
    const b = new InjectBrowser(t.server.app, '192.0.2.52');
    b.useSession(session.token);
    expect((await b.get('/console')).statusCode).toBe(200);
    await t.services.store.db.updateTable('accounts').set({ mfa_enabled: 0 }).where('id', '=', account.id).execute();
    expect((await b.get('/console')).statusCode).toBe(403);
  });

  it('an operator with MFA signs in with the authenticator code and reaches the console', async () => {
    const op = { email: 'mfa-op@example.com', password: 'operator password' };
    const { otpauthUri } = await t.services.identity.createAccount({
      ...op,
      name: 'Op',
      phone: '03-1234-5678',
      role: 'operator',
      mfa: true,
    });
    const b = new InjectBrowser(t.server.app, '192.0.2.53');
    const res = await b.signInWithTotp(op.email, op.password, otpauthUri!, new Date());
    expect(res.headers.location).toBe('/console?lang=en');
    expect((await b.get('/console')).statusCode).toBe(200);
  });
});
