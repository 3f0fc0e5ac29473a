import { type Config, ConfigError } from '../../config';
import type { Clock } from '../../domain/clock';
import crypto from 'node:crypto';
import { z } from 'zod';
import { AccountNotFoundError } from '../errors';
import { toDirectoryAccount } from '../attribute-mapping';
import { IdentityProviderRequestError, IdentityProviderUnavailableError } from '../provider-errors';
import { type ProviderHttpOptions, providerRequest } from '../provider-http';
import { type ProviderRetryOptions, withProviderRetries } from '../provider-retry';
import { type DirectoryAccount, type IdentityContact, type IdentityProvider, MFA_FACTOR_TYPES } from '../provider';
import { webhookSignature, webhookSignatureValid } from './signature';

export interface WebhookProviderOptions {
  /** AIZUCHI_IDENTITY_WEBHOOK_URL (https, or http on loopback; config/env-schema.ts checks). */
  url: string;
  /** AIZUCHI_IDENTITY_WEBHOOK_SECRET. */
  secret: string;
  http: ProviderHttpOptions;
  retry?: ProviderRetryOptions;
}

const contactSchema = z.object({
  email: z.string().min(1),
  phone: z.string().min(1),
  lang: z.enum(['ja', 'en']),
  name: z.string(),
  nameKana: z.string().min(1).optional(),
  nameLatin: z.string().min(1).optional(),
  privileged: z.boolean(),
});
const resultSchemas = {
  find_account: z.object({ account: contactSchema.extend({ id: z.string().min(1) }).nullable() }),
  get_contact: z.object({ contact: contactSchema.nullable() }),
  list_factors: z.object({ factors: z.array(z.object({ id: z.string(), type: z.enum(MFA_FACTOR_TYPES), label: z.string().optional() })) }),
  require_new_factor: z.object({}),
  remove_factors: z.object({}),
  revoke_sessions: z.object({}),
  signed_in_since: z.object({ signedIn: z.union([z.boolean(), z.literal('unknown')]) }),
  freeze_enrolment: z.object({}),
  unfreeze_enrolment: z.object({}),
};
type Action = keyof typeof resultSchemas;
const answerSchema = z.object({ id: z.string(), result: z.unknown().optional(), error: z.object({ code: z.string() }).optional() });

/** The account as aizuchi keeps it: email lower-cased, phone as E.164 ('' when unusable), readings null when absent. */
function toAccount(id: string, c: z.infer<typeof contactSchema>): DirectoryAccount {
  return toDirectoryAccount({ id, ...c }, { defaultLang: 'ja' });
}

/**
 * The IdentityProvider over a company's own account system, through the signed webhook of
 * src/identity/webhook/SPEC.md: every request is signed (HMAC-SHA256 over timestamp and body) and
 * carries a fresh id the receiver refuses to see twice; every answer must be signed by the same
 * secret, be fresh and echo the request's id, or it is refused — so neither a forged nor a replayed
 * answer can report a reset that did not happen.
 */
export function createWebhookProvider(options: WebhookProviderOptions): IdentityProvider {
  const retry = <T>(call: () => Promise<T>) => withProviderRetries(call, options.retry);

  /** One signed action; resolves to its validated result, or `null` for a 404 account_not_found. */
  async function call<A extends Action>(action: A, params: Record<string, string>): Promise<z.infer<(typeof resultSchemas)[A]> | null> {
    const id = crypto.randomUUID();
    const body = JSON.stringify({ id, action, params });
    const timestamp = String(Math.floor(options.http.clock.now().getTime() / 1000));
    const res = await providerRequest(
      'webhook',
      options.url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'aizuchi-timestamp': timestamp,
          'aizuchi-request-id': id,
          'aizuchi-signature': webhookSignature(options.secret, timestamp, body),
        },
        body,
      },
      options.http,
    );
    const text = await res.text();
    if (res.status === 409) {
      // The receiver saw this id already (a duplicated delivery); a new request gets a new id.
      throw new IdentityProviderUnavailableError('webhook', `${action} was refused as a replay`, { status: 409 });
    }
    if (
      !webhookSignatureValid(
        options.secret,
        res.headers.get('aizuchi-timestamp'),
        text,
        res.headers.get('aizuchi-signature'),
        options.http.clock.now(),
      )
    ) {
      throw new IdentityProviderRequestError('webhook', `the answer to ${action} is not signed with the shared secret, or is stale`, {
        status: res.status,
        code: 'webhook_bad_signature',
      });
    }
    let answer: z.infer<typeof answerSchema>;
    try {
      answer = answerSchema.parse(JSON.parse(text));
    } catch (cause) {
      throw new IdentityProviderRequestError('webhook', `unreadable answer to ${action}`, { status: res.status, cause });
    }
    if (answer.id !== id) {
      throw new IdentityProviderRequestError('webhook', `the answer to ${action} is for another request`, {
        status: res.status,
        code: 'webhook_bad_signature',
      });
    }
    if (res.status === 404 && answer.error?.code === 'account_not_found') return null;
    if (res.status !== 200) {
      throw new IdentityProviderRequestError('webhook', `${action} answered ${res.status}`, {
        status: res.status,
        code: answer.error?.code,
      });
    }
    const parsed = resultSchemas[action].safeParse(answer.result);
    if (!parsed.success)
      throw new IdentityProviderRequestError('webhook', `the result of ${action} does not follow SPEC.md`, { status: res.status });
    return parsed.data as z.infer<(typeof resultSchemas)[A]>;
  }

  /** A write on an account: a 404 is AccountNotFoundError, never a silent success. */
  const write = (action: Action, accountId: string) =>
    retry(async () => {
      if ((await call(action, { accountId })) === null) throw new AccountNotFoundError();
    });

  return {
    kind: 'webhook',
    findByEmail: (email) =>
      retry(async () => {
        const r = await call('find_account', { email: email.trim().toLowerCase() });
        return r?.account ? toAccount(r.account.id, r.account) : null;
      }),
    getContact: (accountId) =>
      retry(async () => {
        const r = await call('get_contact', { accountId });
        if (!r?.contact) return null;
        const { id: _id, ...contact } = toAccount('', r.contact);
        return contact satisfies IdentityContact;
      }),
    listMfaFactors: (accountId) =>
      retry(async () => {
        const r = await call('list_factors', { accountId });
        if (!r) throw new AccountNotFoundError();
        return r.factors.map((f) => ({ id: f.id, type: f.type, ...(f.label ? { label: f.label } : {}) }));
      }),
    requireNewFactor: (accountId) => write('require_new_factor', accountId),
    removeMfaFactors: (accountId) => write('remove_factors', accountId),
    revokeSessions: (accountId) => write('revoke_sessions', accountId),
    freezeEnrolment: (accountId) => write('freeze_enrolment', accountId),
    unfreezeEnrolment: (accountId) => write('unfreeze_enrolment', accountId),
    signedInSince: (accountId, since) =>
      retry(async () => (await call('signed_in_since', { accountId, since: since.toISOString() }))?.signedIn ?? false),
  };
}

/** The webhook adapter as AIZUCHI_IDENTITY=webhook configures it (SPEC.md); a ConfigError names the first missing variable. */
export function webhookProviderFromConfig(config: Config, clock: Clock): IdentityProvider {
  const { webhook } = config.identity;
  if (!webhook.url) throw new ConfigError('missing AIZUCHI_IDENTITY_WEBHOOK_URL: AIZUCHI_IDENTITY=webhook needs it');
  if (!webhook.secret) throw new ConfigError('missing AIZUCHI_IDENTITY_WEBHOOK_SECRET: AIZUCHI_IDENTITY=webhook needs it');
  return createWebhookProvider({ url: webhook.url, secret: webhook.secret, http: { clock } });
}
