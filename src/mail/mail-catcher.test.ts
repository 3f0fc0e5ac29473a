import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../observability/logger';
import { type MailCatcher, createCatcherSender, createMailCatcher } from './mail-catcher';
import { getCaughtMessage, listCaughtMessages } from './mail-store';
import { MailSendError, type MailSender } from './sender';
import { rawSmtpSession } from './testing/raw-smtp';
import { type TestStore, openPostgresTestStore, openSqliteTestStore } from './testing/test-store';

const postgresUrl = process.env.AIZUCHI_TEST_POSTGRES_URL;
const logger = createLogger('silent');

/** A clock that moves one second per reading, so "newest first" is well defined. */
function steppingClock(startIso: string) {
  let t = Date.parse(startIso);
  return { now: () => new Date((t += 1000)) };
}

function catcherSuite(name: string, open: () => Promise<TestStore>) {
  describe(`mail catcher on ${name}`, () => {
    let ts: TestStore;
    let catcher: MailCatcher;
    let sender: MailSender;

    beforeAll(async () => {
      ts = await open();
      catcher = createMailCatcher({ store: ts.store, port: 0, logger, clock: steppingClock('2026-11-30T00:00:00Z') });
      await catcher.start();
      sender = createCatcherSender({ catcher, from: 'aizuchi <no-reply@aizuchi.localhost>' });
    });
    afterAll(async () => {
      await catcher?.stop();
      await ts?.dispose();
    });

    it('stores a message sent through nodemailer with its headers and both bodies', async () => {
      await sender.send({
        to: 'Taro.Yamada@Example.jp',
        subject: '確認コードのお知らせ',
        text: 'コード: 12675693\n',
        html: '<p>コード: <b>12675693</b></p>',
        messageId: '<store-1@aizuchi.localhost>',
      });
      const [m] = await listCaughtMessages(ts.store.db, { to: 'taro.yamada@example.jp' });
      expect(m).toMatchObject({
        // nodemailer lowercases the domain and quotes the display name.
        to: 'Taro.Yamada@example.jp',
        from: '"aizuchi" <no-reply@aizuchi.localhost>',
        subject: '確認コードのお知らせ',
        messageId: '<store-1@aizuchi.localhost>',
      });
      expect(m?.text.trim()).toBe('コード: 12675693');
      expect(m?.html).toContain('<b>12675693</b>');
      expect(m?.receivedAt).toMatch(/^2026-11-30T00:00:\d\dZ$|^2026-11-30T00:00:\d\d\.\d{3}Z$/);
      expect(await getCaughtMessage(ts.store.db, m!.id)).toEqual(m);
    });

    it('stores a re-delivered message with the same Message-ID once', async () => {
      const msg = { to: 'dup@example.com', subject: 'once', text: 'one', messageId: '<dup-1@aizuchi.localhost>' };
      await sender.send(msg);
      await sender.send(msg);
      await sender.send({ ...msg, messageId: '<dup-2@aizuchi.localhost>' });
      const rows = await listCaughtMessages(ts.store.db, { to: 'dup@example.com' });
      expect(rows.map((r) => r.messageId).sort()).toEqual(['<dup-1@aizuchi.localhost>', '<dup-2@aizuchi.localhost>']);
    });

    it('lists newest first and matches one recipient among several', async () => {
      await sender.send({ to: 'order@example.com', subject: 'first', text: '1', messageId: '<ord-1@x>' });
      await sender.send({ to: 'order@example.com', subject: 'second', text: '2', messageId: '<ord-2@x>' });
      expect((await listCaughtMessages(ts.store.db, { to: 'ORDER@example.com' })).map((m) => m.subject)).toEqual(['second', 'first']);
      const replies = await rawSmtpSession(catcher.port, [
        'EHLO test',
        'MAIL FROM:<a@x.test>',
        'RCPT TO:<one_1@x.test>',
        'RCPT TO:<two@x.test>',
        'DATA',
        'From: a@x.test\r\nSubject: multi\r\nMessage-ID: <multi@x>\r\n\r\nhello\r\n.',
        'QUIT',
      ]);
      expect(replies[6]).toMatch(/^250 /);
      expect((await listCaughtMessages(ts.store.db, { to: 'two@x.test' })).map((m) => m.subject)).toEqual(['multi']);
      expect((await listCaughtMessages(ts.store.db, { to: 'one_1@x.test' })).map((m) => m.subject)).toEqual(['multi']);
      // "_" is a LIKE wildcard; it must not match other characters.
      expect(await listCaughtMessages(ts.store.db, { to: 'oneX1@x.test' })).toEqual([]);
      expect(await listCaughtMessages(ts.store.db, { to: 'wo@x.test' })).toEqual([]);
    });

    it('rejects a message over 1 MB with a permanent 552 and keeps working', async () => {
      const big = 'x'.repeat(76) + '\n';
      const err = await sender
        .send({ to: 'big@example.com', subject: 'big', text: big.repeat(15_000), messageId: '<big@x>' })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MailSendError);
      expect(err).toMatchObject({ responseCode: 552, retryable: false });
      expect(await listCaughtMessages(ts.store.db, { to: 'big@example.com' })).toEqual([]);
      await sender.send({ to: 'big@example.com', subject: 'small', text: 'ok', messageId: '<small@x>' });
      expect((await listCaughtMessages(ts.store.db, { to: 'big@example.com' })).map((m) => m.subject)).toEqual(['small']);
    });

    it('answers malformed input with clear SMTP errors and stores nothing from it', async () => {
      const replies = await rawSmtpSession(catcher.port, [
        'EHLO test',
        'BOGUS command',
        'RCPT TO:<early@x.test>',
        'MAIL FROM:<a@x.test>',
        'RCPT TO:<not an address>',
        'RCPT TO:<nofrom@x.test>',
        'DATA',
        'Subject: no from header\r\n\r\nbody\r\n.',
        'QUIT',
      ]);
      expect(replies[0]).toMatch(/^220 /);
      expect(replies[2]).toMatch(/^5\d\d /); // unknown command
      expect(replies[3]).toMatch(/^503 /); // RCPT before MAIL
      expect(replies[5]).toMatch(/^5\d\d /); // not an address
      expect(replies[8]).toMatch(/^550 .*From/);
      expect(replies[9]).toMatch(/^221 /);
      expect(await listCaughtMessages(ts.store.db, { to: 'nofrom@x.test' })).toEqual([]);
      // Still serving after all that.
      await sender.send({ to: 'after@example.com', subject: 'alive', text: 'ok', messageId: '<alive@x>' });
      expect(await listCaughtMessages(ts.store.db, { to: 'after@example.com' })).toHaveLength(1);
    });

    it('keeps a message with broken MIME and odd bytes instead of crashing', async () => {
      const replies = await rawSmtpSession(catcher.port, [
        'HELO test',
        'MAIL FROM:<a@x.test>',
        'RCPT TO:<odd@x.test>',
        'DATA',
        'From: a@x.test\r\nSubject: =?bogus?Q?x\r\nContent-Type: multipart/mixed; boundary="never"\r\n\r\n\u0000\u00ff garbage\r\n.',
        'QUIT',
      ]);
      expect(replies[4]).toMatch(/^354 /);
      expect(replies[5]).toMatch(/^250 /);
      expect(await listCaughtMessages(ts.store.db, { to: 'odd@x.test' })).toHaveLength(1);
    });

    it('caps listings at 200 messages', async () => {
      const all = await listCaughtMessages(ts.store.db);
      expect(all.length).toBeGreaterThan(5);
      expect(all.length).toBeLessThanOrEqual(200);
      const times = all.map((m) => m.receivedAt);
      expect([...times].sort().reverse()).toEqual(times);
    });
  });
}

catcherSuite('SQLite', openSqliteTestStore);
describe.runIf(postgresUrl)('PostgreSQL', () => {
  catcherSuite('PostgreSQL', () => openPostgresTestStore(postgresUrl!));
});

describe('mail catcher failures', () => {
  it('answers 451 (retryable) when the database is unavailable, so the sender keeps the message', async () => {
    const ts = await openSqliteTestStore();
    const catcher = createMailCatcher({ store: ts.store, port: 0, logger, clock: { now: () => new Date() } });
    await catcher.start();
    try {
      await ts.store.close();
      const sender = createCatcherSender({ catcher, from: 'a@x.test' });
      const err = await sender.send({ to: 'b@x.test', subject: 's', text: 't', messageId: '<m@x>' }).catch((e: unknown) => e);
      expect(err).toMatchObject({ responseCode: 451, retryable: true });
    } finally {
      await catcher.stop();
      await ts.dispose();
    }
  });

  it('reports a port already in use as a clear error', async () => {
    const ts = await openSqliteTestStore();
    const first = createMailCatcher({ store: ts.store, port: 0, logger, clock: { now: () => new Date() } });
    await first.start();
    const second = createMailCatcher({ store: ts.store, port: first.port, logger, clock: { now: () => new Date() } });
    try {
      await expect(second.start()).rejects.toThrow(/could not listen on 127\.0\.0\.1:\d+: EADDRINUSE/);
    } finally {
      await first.stop();
      await ts.dispose();
    }
  });

  it('is refused as a connection error (retryable) when the catcher is not running', async () => {
    const ts = await openSqliteTestStore();
    const catcher = createMailCatcher({ store: ts.store, port: 0, logger, clock: { now: () => new Date() } });
    await catcher.start();
    const port = catcher.port;
    await catcher.stop();
    await ts.dispose();
    const sender = createCatcherSender({ catcher: { host: '127.0.0.1', port }, from: 'a@x.test' });
    const err = await sender.send({ to: 'b@x.test', subject: 's', text: 't', messageId: '<m@x>' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'connection', retryable: true });
  });
});
