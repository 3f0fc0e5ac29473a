import { identityProviderConformance } from '../identity-provider.conformance';
import { DEFAULT_ATTRIBUTE_MAPPING } from '../attribute-mapping';
import { createEntraProvider } from './entra-provider';
import { startFakeGraph } from './testing/fake-graph';

const KANA = 'extension_5b0c1a2d_nameKana';
const LATIN = 'extension_5b0c1a2d_nameLatin';
const PASSWORD_AND_EMAIL = new Set(['#microsoft.graph.passwordAuthenticationMethod', '#microsoft.graph.emailAuthenticationMethod']);

identityProviderConformance('Entra adapter against a local Microsoft Graph', async () => {
  const fake = await startFakeGraph();
  const provider = createEntraProvider({
    tenantId: fake.tenantId,
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    loginUrl: fake.url,
    graphUrl: fake.url,
    mapping: { ...DEFAULT_ATTRIBUTE_MAPPING, nameKana: KANA, nameLatin: LATIN },
    http: { clock: { now: () => new Date() } },
  });
  const secondFactors = (id: string) => fake.methods(id).filter((m) => !PASSWORD_AND_EMAIL.has(m['@odata.type']));
  return {
    provider,
    keepsNameReadings: true,
    async seedAccount(c) {
      const id = fake.addUser({
        displayName: c.name,
        userPrincipalName: `${crypto.randomUUID()}@contoso.onmicrosoft.com`,
        mail: c.email,
        mobilePhone: c.phoneE164,
        preferredLanguage: c.lang === 'ja' ? 'ja-JP' : 'en-US',
        extensions: { ...(c.nameKana ? { [KANA]: c.nameKana } : {}), ...(c.nameLatin ? { [LATIN]: c.nameLatin } : {}) },
        groups: c.privileged ? [{ id: crypto.randomUUID(), displayName: 'aizuchi-privileged' }] : [],
      });
      fake.addMethod(id, '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod', { isDefault: true });
      fake.addMethod(id, '#microsoft.graph.phoneAuthenticationMethod', { id: '3179e48a-750b-4051-897c-87b9720928f7' });
      return id;
    },
    signIn: async (id) => fake.signIn(id),
    sessionActive: async (sid) => fake.sessionActive(sid),
    async accountState(id) {
      const mfaEnabled = secondFactors(id).length > 0;
      return {
        mfaEnabled,
        // Entra asks for a new method at the next sign-in exactly when none is registered (the
        // tenant requires MFA): "Require re-register MFA" is the deletion itself.
        newDeviceRequired: !mfaEnabled,
        enrolmentFrozen: fake.user(id)?.accountEnabled === false,
      };
    },
    teardown: () => fake.close(),
  };
});
