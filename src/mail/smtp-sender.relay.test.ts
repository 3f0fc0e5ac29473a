import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import selfsigned from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailSendError } from './sender';
import { createSmtpSender } from './smtp-sender';

interface RelayMessage {
  event: 'message';
  server: string;
  secure: boolean;
  user: string | null;
  authMethod: string | null;
  envelopeFrom: string | null;
  envelopeTo: string[];
  messageId: string | null;
  subject: string | null;
  from: string | null;
  to: string | null;
  text: string | null;
  html: string | null;
}

const RELAY_SCRIPT = fileURLToPath(new URL('./testing/smtp-relay-process.ts', import.meta.url));
const USER = 'relay-user@example.com';
const PASS = 'p@ss:w/rd';
const FROM = 'Aizuchi Support <no-reply@example.com>';

let relay: ChildProcess;
let ports: { starttls: number; implicit: number; plain: number };
let ca: string;
const messages: RelayMessage[] = [];

async function waitForMessage(messageId: string): Promise<RelayMessage> {
  for (let i = 0; i < 100; i++) {
    const m = messages.find((x) => x.messageId === messageId);
    if (m) return m;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`relay never received ${messageId}`);
}

beforeAll(async () => {
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  ca = pems.cert;
  relay = spawn(
    process.execPath,
    ['--import', 'tsx', RELAY_SCRIPT, JSON.stringify({ key: pems.private, cert: pems.cert, user: USER, pass: PASS })],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  ports = await new Promise((resolve, reject) => {
    let buffer = '';
    relay.on('exit', (code) => reject(new Error(`relay process exited early (${code})`)));
    relay.stdout!.setEncoding('utf8');
    relay.stdout!.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const event = JSON.parse(buffer.slice(0, nl)) as { event: string; ports?: typeof ports };
        buffer = buffer.slice(nl + 1);
        if (event.event === 'ready' && event.ports) resolve(event.ports);
        if (event.event === 'message') messages.push(event as RelayMessage);
      }
    });
  });
}, 30_000);

afterAll(() => {
  relay?.kill('SIGTERM');
});

const creds = `${encodeURIComponent(USER)}:${encodeURIComponent(PASS)}`;

describe('SMTP sender against a real relay process', () => {
  it('upgrades with STARTTLS, authenticates with PLAIN and delivers headers and bodies', async () => {
    const sender = createSmtpSender({ url: `smtp://${creds}@127.0.0.1:${ports.starttls}?starttls=required`, from: FROM, tlsCa: ca });
    await sender.send({
      to: 'taro@example.jp',
      subject: 'MFAリセットのお知らせ',
      text: '山田 様\nMFAを解除しました。',
      html: '<p>山田 様</p>',
      messageId: '<relay-1@aizuchi.localhost>',
    });
    const m = await waitForMessage('<relay-1@aizuchi.localhost>');
    expect(m).toMatchObject({
      server: 'starttls',
      secure: true,
      user: USER,
      authMethod: 'PLAIN',
      envelopeFrom: 'no-reply@example.com',
      envelopeTo: ['taro@example.jp'],
      subject: 'MFAリセットのお知らせ',
      from: '"Aizuchi Support" <no-reply@example.com>',
      to: 'taro@example.jp',
      html: '<p>山田 様</p>',
    });
    expect(m.text?.trim()).toBe('山田 様\nMFAを解除しました。');
    expect(sender.description).toBe(`smtp://${USER}:***@127.0.0.1:${ports.starttls}`);
  });

  it('speaks implicit TLS (smtps) with AUTH LOGIN', async () => {
    const sender = createSmtpSender({ url: `smtps://${creds}@127.0.0.1:${ports.implicit}`, from: FROM, tlsCa: ca });
    await sender.send({ to: 'hanako@example.jp', subject: 'hi', text: 'body', messageId: '<relay-2@aizuchi.localhost>' });
    expect(await waitForMessage('<relay-2@aizuchi.localhost>')).toMatchObject({ server: 'implicit', secure: true, authMethod: 'LOGIN' });
  });

  it('reports bad credentials as a permanent auth failure', async () => {
    const url = `smtp://${encodeURIComponent(USER)}:wrong@127.0.0.1:${ports.starttls}?starttls=required`;
    const err = await createSmtpSender({ url, from: FROM, tlsCa: ca })
      .send({ to: 'a@example.jp', subject: 's', text: 't', messageId: '<relay-3@x>' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailSendError);
    expect(err).toMatchObject({ kind: 'auth', retryable: false, responseCode: 535 });
    expect((err as Error).message).not.toContain('wrong');
  });

  it('reports a 4xx reply as retryable and a 5xx reply as permanent, without the address in the message', async () => {
    const sender = createSmtpSender({ url: `smtp://${creds}@127.0.0.1:${ports.starttls}`, from: FROM, tlsCa: ca });
    const temp = await sender.send({ to: 'tempfail@example.jp', subject: 's', text: 't', messageId: '<r4@x>' }).catch((e: unknown) => e);
    expect(temp).toMatchObject({ kind: 'rejected', retryable: true, responseCode: 451 });
    expect((temp as Error).message).not.toContain('tempfail');
    const perm = await sender.send({ to: 'reject@example.jp', subject: 's', text: 't', messageId: '<r5@x>' }).catch((e: unknown) => e);
    expect(perm).toMatchObject({ kind: 'rejected', retryable: false, responseCode: 550 });
  });

  it('refuses to send in clear text when starttls=required and the server offers no TLS', async () => {
    const sender = createSmtpSender({ url: `smtp://127.0.0.1:${ports.plain}?starttls=required`, from: FROM });
    const err = await sender.send({ to: 'a@example.jp', subject: 's', text: 't', messageId: '<r6@x>' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailSendError);
    await new Promise((r) => setTimeout(r, 100));
    expect(messages.find((m) => m.messageId === '<r6@x>')).toBeUndefined();
  });

  it('rejects a certificate it cannot verify', async () => {
    const sender = createSmtpSender({ url: `smtps://${creds}@127.0.0.1:${ports.implicit}`, from: FROM });
    const err = await sender.send({ to: 'a@example.jp', subject: 's', text: 't', messageId: '<r7@x>' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailSendError);
    expect(messages.find((m) => m.messageId === '<r7@x>')).toBeUndefined();
  });

  it('reports a refused connection as retryable', async () => {
    const sender = createSmtpSender({ url: 'smtp://127.0.0.1:1?starttls=never', from: FROM });
    const err = await sender.send({ to: 'a@example.jp', subject: 's', text: 't', messageId: '<r8@x>' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'connection', retryable: true });
  });
});
