import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InMemoryDirectory, createIdentityWebhookReceiver } from '../../../examples/identity-webhook-receiver.mjs';
import { AccountNotFoundError } from '../errors';
import { IdentityProviderAuthError, IdentityProviderRequestError } from '../provider-errors';
import type { IdentityProvider } from '../provider';
import { webhookSignature } from './signature';
import { createWebhookProvider } from './webhook-provider';

const SECRET = crypto.randomBytes(32).toString('hex');

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/aizuchi`;
}

const close = (server: http.Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

describe('signed webhook adapter against the example receiver', () => {
  let directory: InMemoryDirectory;
  let server: http.Server;
  let url: string;
  let provider: IdentityProvider;
  let sleeps: number[];
  const make = (overrides: { secret?: string; url?: string; now?: () => Date } = {}) =>
    createWebhookProvider({
      url: overrides.url ?? url,
      secret: overrides.secret ?? SECRET,
      http: { clock: { now: overrides.now ?? (() => new Date()) } },
      retry: { sleep: async (ms) => void sleeps.push(ms) },
    });

  beforeEach(async () => {
    directory = new InMemoryDirectory();
    server = createIdentityWebhookReceiver({ secret: SECRET, directory });
    url = await listen(server);
    sleeps = [];
    provider = make();
  });
  afterEach(() => close(server));

  const addTaro = () =>
    directory.add({
      id: 'u-1042',
      email: 'taro.yamada@example.com',
      phone: '+819012345678',
      lang: 'ja',
      name: '山田 太郎',
      nameKana: 'ヤマダ タロウ',
      privileged: false,
      factors: [{ id: 'f1', type: 'totp', label: 'iPhone' }],
    });

  it('finds an account and reads its contact', async () => {
    addTaro();
    const contact = {
      email: 'taro.yamada@example.com',
      phoneE164: '+819012345678',
      lang: 'ja',
      name: '山田 太郎',
      nameKana: 'ヤマダ タロウ',
      nameLatin: null,
      privileged: false,
    };
    expect(await provider.findByEmail(' Taro.Yamada@Example.com')).toEqual({ id: 'u-1042', ...contact });
    expect(await provider.getContact('u-1042')).toEqual(contact);
    expect(await provider.findByEmail('nobody@example.com')).toBeNull();
    expect(await provider.getContact('u-0')).toBeNull();
  });

  it('lists and removes factors, requires a new one, revokes sessions, freezes; 404 is AccountNotFoundError', async () => {
    addTaro();
    directory.accounts.get('u-1042')!.sessions = ['s1'];
    expect(await provider.listMfaFactors('u-1042')).toEqual([{ id: 'f1', type: 'totp', label: 'iPhone' }]);
    await provider.requireNewFactor('u-1042');
    await provider.removeMfaFactors('u-1042');
    await provider.removeMfaFactors('u-1042');
    await provider.revokeSessions('u-1042');
    await provider.freezeEnrolment('u-1042');
    expect(directory.accounts.get('u-1042')).toMatchObject({ factors: [], sessions: [], newFactorRequired: true, frozen: true });
    await provider.unfreezeEnrolment('u-1042');
    expect(directory.accounts.get('u-1042')?.frozen).toBe(false);
    await expect(provider.removeMfaFactors('u-0')).rejects.toBeInstanceOf(AccountNotFoundError);
  });

  it('asks whether the account signed in after an instant', async () => {
    addTaro();
    directory.accounts.get('u-1042')!.lastSignIn = '2026-11-30T10:00:00.000Z';
    expect(await provider.signedInSince('u-1042', new Date('2026-11-30T09:00:00Z'))).toBe(true);
    expect(await provider.signedInSince('u-1042', new Date('2026-11-30T10:00:00Z'))).toBe(false);
    expect(await provider.signedInSince('u-0', new Date(0))).toBe(false);
  });

  it('is refused by the receiver with the wrong secret or a clock 6 minutes off, and does not retry', async () => {
    addTaro();
    await expect(make({ secret: 'x'.repeat(64) }).getContact('u-1042')).rejects.toBeInstanceOf(IdentityProviderAuthError);
    await expect(make({ now: () => new Date(Date.now() - 360_000) }).getContact('u-1042')).rejects.toBeInstanceOf(
      IdentityProviderAuthError,
    );
    expect(sleeps).toEqual([]);
  });

  it('the receiver refuses a replayed request', async () => {
    addTaro();
    const body = JSON.stringify({ id: crypto.randomUUID(), action: 'remove_factors', params: { accountId: 'u-1042' } });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const send = () =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'aizuchi-timestamp': timestamp,
          'aizuchi-request-id': (JSON.parse(body) as { id: string }).id,
          'aizuchi-signature': webhookSignature(SECRET, timestamp, body),
        },
        body,
      });
    expect((await send()).status).toBe(200);
    expect((await send()).status).toBe(409);
  });

  it('refuses an answer not signed with the secret, and one that echoes another request', async () => {
    const rogue = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const { id } = JSON.parse(Buffer.concat(chunks).toString()) as { id: string };
        const forged = req.url === '/other-id';
        const body = JSON.stringify({ id: forged ? crypto.randomUUID() : id, result: {} });
        const ts = String(Math.floor(Date.now() / 1000));
        // '/other-id' signs correctly but answers for a different request; '/' signs with the wrong key.
        res.writeHead(200, {
          'content-type': 'application/json',
          'aizuchi-timestamp': ts,
          'aizuchi-signature': webhookSignature(forged ? SECRET : 'wrong', ts, body),
        });
        res.end(body);
      });
    });
    const base = (await listen(rogue)).replace('/aizuchi', '');
    try {
      await expect(make({ url: `${base}/` }).removeMfaFactors('u-1042')).rejects.toMatchObject({
        code: 'webhook_bad_signature',
        retryable: false,
      });
      await expect(make({ url: `${base}/other-id` }).removeMfaFactors('u-1042')).rejects.toBeInstanceOf(IdentityProviderRequestError);
    } finally {
      await close(rogue);
    }
  });
});
