import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { InMemoryDirectory, createIdentityWebhookReceiver } from '../../../examples/identity-webhook-receiver.mjs';
import { identityProviderConformance } from '../identity-provider.conformance';
import { createWebhookProvider } from './webhook-provider';

identityProviderConformance('signed webhook adapter against the example receiver', async () => {
  const secret = crypto.randomBytes(32).toString('hex');
  const directory = new InMemoryDirectory();
  const server = createIdentityWebhookReceiver({ secret, directory });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const provider = createWebhookProvider({
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    secret,
    http: { clock: { now: () => new Date() } },
  });
  const account = (id: string) => {
    const a = directory.accounts.get(id);
    if (!a) throw new Error('conformance: seeded account vanished');
    return a;
  };
  return {
    provider,
    keepsNameReadings: true,
    seedAccount: async (c) =>
      directory.add({
        id: crypto.randomUUID(),
        email: c.email,
        phone: c.phoneE164,
        lang: c.lang,
        name: c.name,
        ...(c.nameKana ? { nameKana: c.nameKana } : {}),
        ...(c.nameLatin ? { nameLatin: c.nameLatin } : {}),
        privileged: c.privileged,
        factors: [{ id: crypto.randomUUID(), type: 'totp', label: 'Authenticator' }],
      }),
    async signIn(id) {
      const session = crypto.randomUUID();
      account(id).sessions.push(session);
      account(id).lastSignIn = new Date().toISOString();
      return `${id} ${session}`;
    },
    async sessionActive(handle) {
      const [id, session] = handle.split(' ');
      return account(id!).sessions.includes(session!);
    },
    accountState: async (id) => ({
      mfaEnabled: account(id).factors.length > 0,
      newDeviceRequired: account(id).newFactorRequired,
      enrolmentFrozen: account(id).frozen,
    }),
    teardown: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
});
