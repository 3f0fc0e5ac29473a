import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../observability/logger';
import { listCaughtMessages } from './mail-store';
import { SmtpUrlError } from './smtp-url';
import { type MailSetup, startMail } from './start-mail';
import { type TestStore, openSqliteTestStore } from './testing/test-store';

const logger = createLogger('silent');
const clock = { now: () => new Date('2026-11-30T00:00:00Z') };
let ts: TestStore | undefined;
let setup: MailSetup | undefined;

afterEach(async () => {
  await setup?.stop();
  await ts?.dispose();
  setup = undefined;
  ts = undefined;
});

describe('startMail', () => {
  it('without an SMTP URL starts the catcher and sends to it over SMTP', async () => {
    ts = await openSqliteTestStore();
    setup = await startMail({
      smtpUrl: null,
      from: 'aizuchi <no-reply@aizuchi.localhost>',
      catcherPort: 0,
      store: ts.store,
      logger,
      clock,
    });
    expect(setup.catcher?.port).toBeGreaterThan(0);
    await setup.sender.send({ to: 'x@example.jp', subject: 'hello', text: 'hi', messageId: '<s1@x>' });
    expect((await listCaughtMessages(ts.store.db, { to: 'x@example.jp' })).map((m) => m.subject)).toEqual(['hello']);
  });

  it('with an SMTP URL uses the relay and starts no catcher', async () => {
    ts = await openSqliteTestStore();
    setup = await startMail({
      smtpUrl: 'smtp://u:p@127.0.0.1:1?starttls=never',
      from: 'a@x.test',
      catcherPort: 0,
      store: ts.store,
      logger,
      clock,
    });
    expect(setup.catcher).toBeNull();
    await expect(setup.sender.send({ to: 'x@example.jp', subject: 's', text: 't', messageId: '<s2@x>' })).rejects.toMatchObject({
      kind: 'connection',
      retryable: true,
    });
  });

  it('fails at boot on a bad SMTP URL', async () => {
    ts = await openSqliteTestStore();
    await expect(startMail({ smtpUrl: 'mailto:x', from: 'a@x.test', catcherPort: 0, store: ts.store, logger, clock })).rejects.toThrow(
      SmtpUrlError,
    );
  });
});
