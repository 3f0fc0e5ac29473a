import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDbJobQueue } from '../jobs/db-job-queue';
import type { EnqueueOptions, JobContext, JobHandler, StoreTransaction } from '../jobs/queue';
import { RecordingJobQueue } from '../jobs/testing/recording-job-queue';
import { createLogger } from '../observability/logger';
import { createMetrics } from '../observability/metrics';
import { writeTransaction } from '../store/write-transaction';
import { type MailCatcher, createCatcherSender, createMailCatcher } from './mail-catcher';
import { MAIL_JOB, MailJobPayloadError, createMailJobHandler, enqueueMail } from './mail-job';
import { listCaughtMessages } from './mail-store';
import { type MailMessage, MailSendError, type MailSender } from './sender';
import { verificationCode } from './templates';
import { type TestStore, openSqliteTestStore } from './testing/test-store';

function capturingLogger() {
  const lines: string[] = [];
  const dest = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { logger: createLogger('info', dest), output: () => lines.join('') };
}

function ctx(jobId = 'job-1', attempt = 1): JobContext {
  return { jobId, attempt, signal: new AbortController().signal, complete: (fn) => fn(undefined as never) };
}

/** The conforming in-memory queue, plus every call as made (a repeated dedupe key queues nothing new). */
class FakeQueue extends RecordingJobQueue {
  calls: Array<{ kind: string; payload: unknown; opts: unknown; trx: unknown }> = [];
  override async enqueue(kind: string, payload: unknown, opts?: EnqueueOptions, trx?: StoreTransaction): Promise<string> {
    this.calls.push({ kind, payload, opts, trx });
    return super.enqueue(kind, payload, opts, trx);
  }
}

const mail = verificationCode({ lang: 'ja', code: '12675693', validMinutes: 10 });

describe('enqueueMail', () => {
  it('queues a mail.send job whose Message-ID and dedupe key depend only on the key', async () => {
    const q = new FakeQueue();
    const trx = { marker: 'trx' };
    await enqueueMail(q, { to: 'a@example.jp', ...mail, key: 'verification-code:c1', template: 'verificationCode' }, trx as never);
    await enqueueMail(q, { to: 'a@example.jp', ...mail, key: 'verification-code:c1' });
    await enqueueMail(q, { to: 'a@example.jp', ...mail, key: 'verification-code:c2' });
    const [first, again, other] = q.calls;
    expect(first?.kind).toBe(MAIL_JOB);
    expect(first?.trx).toBe(trx);
    const p1 = first?.payload as { messageId: string; subject: string; template: string };
    expect(p1.messageId).toMatch(/^<[0-9a-f]{32}@aizuchi\.localhost>$/);
    expect(p1).toMatchObject({ subject: mail.subject, template: 'verificationCode' });
    expect((again?.payload as { messageId: string }).messageId).toBe(p1.messageId);
    expect((other?.payload as { messageId: string }).messageId).not.toBe(p1.messageId);
    const key1 = (first?.opts as { dedupeKey: string }).dedupeKey;
    expect(key1).toMatch(/^mail:[0-9a-f]{40}$/);
    expect((again?.opts as { dedupeKey: string }).dedupeKey).toBe(key1);
    expect(key1).not.toContain('c1');
  });

  it('refuses a mail that could never be sent, before queueing it', async () => {
    const q = new FakeQueue();
    await expect(enqueueMail(q, { to: 'not an address', subject: 's', text: 't', key: 'k' })).rejects.toThrow(MailJobPayloadError);
    await expect(enqueueMail(q, { to: 'a@example.jp', subject: 's', text: 't', key: '' })).rejects.toThrow(MailJobPayloadError);
    expect(q.calls).toHaveLength(0);
  });
});

describe('mail job handler', () => {
  it('sends the payload, counts it, and logs only the masked address', async () => {
    const sent: MailMessage[] = [];
    const sender: MailSender = { send: async (m) => void sent.push(m) };
    const { logger, output } = capturingLogger();
    const metrics = createMetrics();
    const handler = createMailJobHandler({ sender, logger, metrics });
    const payload = { to: 'hanako.sato@example.jp', ...mail, messageId: '<fixed@aizuchi.localhost>', template: 'verificationCode' };
    await handler(payload, ctx());
    expect(sent).toEqual([
      { to: 'hanako.sato@example.jp', subject: mail.subject, text: mail.text, html: mail.html, messageId: '<fixed@aizuchi.localhost>' },
    ]);
    expect((await metrics.mailSent.get()).values).toEqual([
      expect.objectContaining({ labels: { template: 'verificationCode' }, value: 1 }),
    ]);
    const log = output();
    expect(log).toContain('h***@example.jp');
    expect(log).not.toContain('hanako');
    expect(log).not.toContain('12675693');
    expect(log).not.toContain(mail.subject);
  });

  it('derives a stable Message-ID from the job id when the payload has none', async () => {
    const sent: MailMessage[] = [];
    const handler = createMailJobHandler({ sender: { send: async (m) => void sent.push(m) }, logger: createLogger('silent') });
    await handler({ to: 'a@example.jp', subject: 's', text: 't' }, ctx('job-7', 1));
    await handler({ to: 'a@example.jp', subject: 's', text: 't' }, ctx('job-7', 2));
    await handler({ to: 'a@example.jp', subject: 's', text: 't' }, ctx('job-8', 1));
    expect(sent[0]?.messageId).toMatch(/^<[0-9a-f]{32}@aizuchi\.localhost>$/);
    expect(sent[1]?.messageId).toBe(sent[0]?.messageId);
    expect(sent[2]?.messageId).not.toBe(sent[0]?.messageId);
  });

  it('rejects a bad payload without sending and without echoing it', async () => {
    let sends = 0;
    const handler = createMailJobHandler({ sender: { send: async () => void sends++ }, logger: createLogger('silent') });
    const err = await handler({ to: 'secret-person@example.jp', subject: 7, text: 't' }, ctx()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailJobPayloadError);
    expect((err as Error).message).toContain('subject');
    expect((err as Error).message).not.toContain('secret-person');
    expect(sends).toBe(0);
  });

  it('rethrows send failures with their retryable flag and logs the failure masked', async () => {
    const { logger, output } = capturingLogger();
    const failing = (retryable: boolean): MailSender => ({
      send: async () => {
        throw new MailSendError('SMTP server rejected the message (550)', retryable, 'rejected', retryable ? 451 : 550);
      },
    });
    const payload = { to: 'taro@example.jp', subject: 's', text: 't', messageId: '<m@x>' };
    await expect(createMailJobHandler({ sender: failing(true), logger })(payload, ctx())).rejects.toMatchObject({ retryable: true });
    await expect(createMailJobHandler({ sender: failing(false), logger })(payload, ctx())).rejects.toMatchObject({ retryable: false });
    expect(output()).toContain('"responseCode":550');
    expect(output()).toContain('t***@example.jp');
    expect(output()).not.toContain('taro@');
  });
});

describe('mail jobs through the durable queue to the catcher', () => {
  let ts: TestStore;
  let catcher: MailCatcher;
  let now = Date.parse('2026-11-30T00:00:00Z');
  const clock = { now: () => new Date(now) };

  beforeAll(async () => {
    ts = await openSqliteTestStore();
    catcher = createMailCatcher({ store: ts.store, port: 0, logger: createLogger('silent'), clock });
    await catcher.start();
  });
  afterAll(async () => {
    await catcher?.stop();
    await ts?.dispose();
  });

  it('delivers once even when the process dies after SMTP accepted the mail', async () => {
    const jobs = createDbJobQueue({ store: ts.store, clock, logger: createLogger('silent'), workerId: 'test', random: () => 0 });
    const real = createMailJobHandler({
      sender: createCatcherSender({ catcher, from: 'aizuchi <no-reply@aizuchi.localhost>' }),
      logger: createLogger('silent'),
    });
    let crashes = 1;
    // The first attempt sends, then "crashes" before the job is marked done.
    const crashing: JobHandler = async (payload, c) => {
      await real(payload, c);
      if (crashes-- > 0) throw new Error('simulated crash after send');
    };
    jobs.worker.register(MAIL_JOB, crashing);

    await writeTransaction(ts.store, (trx) =>
      enqueueMail(jobs.queue, { to: 'crash@example.jp', ...mail, key: 'verification-code:crash' }, trx),
    );
    expect(await jobs.worker.runDue()).toBe(1);
    now += 60 * 60 * 1000; // past any backoff
    expect(await jobs.worker.runDue()).toBe(1);

    const caught = await listCaughtMessages(ts.store.db, { to: 'crash@example.jp' });
    expect(caught).toHaveLength(1);
    expect(caught[0]?.subject).toBe(mail.subject);
    expect(caught[0]?.text).toContain('12675693');
    expect(await jobs.stats(MAIL_JOB)).toMatchObject({ done: 1 });
  });
});
