import { z } from 'zod';
import { IDENTITY_KINDS } from '../domain/identity-kind';
import { BOOLEAN_WORDS, booleanOf } from './base';

/**
 * AIZUCHI_TELEPHONY: the browser softphone, a carrier (src/channels/carrier.ts CarrierName), or `text`:
 * a due callback opens a text-channel call and rings nobody — for test and load rigs that answer it
 * themselves (a fresh token through CallService.reissueToken, as the carrier job does).
 */
export const TELEPHONY_NAMES = ['softphone', 'twilio', 'telnyx', 'sip', 'text'] as const;

const int = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);
const bool = (fallback: boolean) =>
  z
    .enum(BOOLEAN_WORDS)
    .default(fallback ? 'true' : 'false')
    .transform(booleanOf);

/** E.164 as carriers take it: `+`, country code, up to 15 digits (ITU-T E.164 §6). */
const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/u, 'expected an E.164 number such as +81501234567');

/** Every variable aizuchi reads, with its default and its rule (loadConfig turns a failure into a ConfigError naming it). */
export const envSchema = z.object({
  PORT: int(3000),
  HOST: z.string().default('127.0.0.1'),
  // Graceful shutdown: how long calls in progress may go on after SIGTERM (README "Shutdown and readiness").
  AIZUCHI_DRAIN_SEC: int(25),
  // AIZUCHI_DATA_DIR, AIZUCHI_DATABASE_URL, AIZUCHI_POLICY and the business calendar: base.ts (no zod).
  AIZUCHI_URL: z.string().url().optional(),
  AIZUCHI_PUBLIC_URL: z.string().url().optional(),
  // Which engine runs jobs: pg-boss on PostgreSQL, the embedded table queue on SQLite (issue 11);
  // `embedded` (or `builtin`) keeps the table queue on PostgreSQL too.
  AIZUCHI_JOB_ENGINE: z.enum(['embedded', 'builtin', 'pg-boss']).optional(),
  // pg-boss: how long one job run may take before pg-boss expires it and runs it again elsewhere.
  AIZUCHI_JOB_LEASE_SEC: z.coerce.number().int().min(5).default(300),
  // A call's owner process renews its heartbeat every third of this; a call whose owner missed it
  // for this long ends abandoned and is retried; the stale-call sweep runs this often (issue 11).
  AIZUCHI_CALL_LEASE_SEC: z.coerce.number().int().min(3).default(30),
  // What `aizuchi serve` runs in this process: web, worker, media, comma-separated, or all (issue 11).
  AIZUCHI_ROLES: z.string().default('all'),
  AIZUCHI_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  AIZUCHI_COMPANY_NAME: z.string().default('aizuchi'),
  AIZUCHI_AGENT_NAME: z.string().default('aizuchi'),
  AIZUCHI_DEMO: bool(false),
  // The demo banner prints passwords and authenticator URIs only when asked (serve --show-demo-secrets).
  AIZUCHI_DEMO_SHOW_SECRETS: bool(false),
  // Mail: unset SMTP URL means the built-in mail catcher.
  AIZUCHI_SMTP_URL: z.string().optional(),
  AIZUCHI_MAIL_FROM: z.string().default('aizuchi <no-reply@aizuchi.localhost>'),
  AIZUCHI_MAIL_CATCHER_PORT: int(2525),
  // Prometheus metrics: a listener of their own, loopback unless a token guards them.
  AIZUCHI_METRICS_PORT: int(9464),
  AIZUCHI_METRICS_HOST: z.string().default('127.0.0.1'),
  AIZUCHI_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  // Limits (all with safe defaults).
  AIZUCHI_LIMIT_REQUESTS_PER_IP_PER_HOUR: int(10),
  AIZUCHI_LIMIT_REQUESTS_PER_ACCOUNT_PER_DAY: int(3),
  AIZUCHI_LIMIT_CALLS_PER_PHONE_PER_DAY: int(3),
  AIZUCHI_LIMIT_REQUESTS_GLOBAL_PER_HOUR: int(1000),
  AIZUCHI_LIMIT_LOGIN_FAILURES_PER_15_MIN: int(5),
  AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: int(400),
  AIZUCHI_CALLBACK_LEAD_SEC: int(300),
  AIZUCHI_CALLBACK_RETRIES: int(3),
  AIZUCHI_CALLBACK_RETRY_DELAY_MIN: int(30),
  AIZUCHI_ESCALATION_SLA_MIN: z.coerce.number().int().min(1).default(240),
  // Console sessions (issue 10): NIST SP 800-63B-4 AAL2 — 30 minutes idle, reauthenticate within 12 hours.
  AIZUCHI_CONSOLE_IDLE_MIN: z.coerce.number().int().min(1).default(30),
  AIZUCHI_CONSOLE_SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(12).default(12),
  AIZUCHI_RECORDING_RETENTION_DAYS: int(30),
  AIZUCHI_RECOVERY_LOCK_DAYS: int(30),
  // Phone calls (issue 8): which dialer places callbacks. softphone rings the browser page of the
  // request mail; the carriers ring the phone on record (their own variables follow).
  AIZUCHI_TELEPHONY: z.enum(TELEPHONY_NAMES, { message: `expected one of ${TELEPHONY_NAMES.join(', ')}` }).default('softphone'),
  // Seconds a carrier call rings before it counts as not answered (Twilio's own default is 60 s).
  AIZUCHI_TELEPHONY_RING_SEC: z.coerce.number().int().min(5).max(600).default(30),
  // Answering machines: `greeting` listens to the callee's first words before the agent speaks
  // (the greeting-length heuristic) and also honours the carrier's detection; `carrier` trusts the
  // carrier's detection alone, so the agent greets at once (TELEPHONY.md §6: not for Japanese).
  AIZUCHI_TELEPHONY_MACHINE_DETECTION: z.enum(['greeting', 'carrier']).default('greeting'),
  // Call-in (issue 8 §5): the number customers call, quoted with the case reference in the
  // missed-call mail; _JA/_EN override it for that language. Unset: the mail offers no number.
  AIZUCHI_INBOUND_NUMBER: e164.optional(),
  AIZUCHI_INBOUND_NUMBER_JA: e164.optional(),
  AIZUCHI_INBOUND_NUMBER_EN: e164.optional(),
  // Speech engines.
  AIZUCHI_RECOGNIZER: z.enum(['none', 'whisper-http', 'deepgram', 'local']).default('none'),
  AIZUCHI_RECOGNIZER_URL: z.string().url().optional(),
  AIZUCHI_RECOGNIZER_KEY: z.string().optional(),
  AIZUCHI_RECOGNIZER_MODEL: z.string().optional(),
  AIZUCHI_SYNTH_JA: z.enum(['openjtalk', 'espeak']).default('openjtalk'),
  // Media worker threads for voice calls (calls/voice/media-shards.ts); unset = one per core, 0 = on the event loop.
  AIZUCHI_MEDIA_THREADS: z.coerce.number().int().min(0).max(64).optional(),
  // Nice value added to each media thread (Linux), so the event loop pacing frames gets a core first.
  AIZUCHI_MEDIA_THREAD_NICE: z.coerce.number().int().min(0).max(19).default(0),
  AIZUCHI_SYNTH_EN: z.enum(['openjtalk', 'espeak']).default('espeak'),
  // Pronunciation lexicon for brand and product names: `word=reading,…` per language, and/or a JSON
  // file {"ja": {"word": "reading"}, "en": {…}}; parsed and checked when the voice engines start.
  AIZUCHI_PRONUNCIATIONS_JA: z
    .string()
    .regex(/^\s*$|^[^,=]+=[^,=]+(,\s*([^,=]+=[^,=]+)?)*$/u, 'expected word=reading,word=reading')
    .optional(),
  AIZUCHI_PRONUNCIATIONS_EN: z
    .string()
    .regex(/^\s*$|^[^,=]+=[^,=]+(,\s*([^,=]+=[^,=]+)?)*$/u, 'expected word=reading,word=reading')
    .optional(),
  AIZUCHI_PRONUNCIATIONS_FILE: z.string().optional(),
  // Twilio (issue 8): REST calls with a <Connect><Stream> to /telephony/media-stream; status at /telephony/twilio/status.
  AIZUCHI_TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-fA-F]{32}$/u, 'expected AC followed by 32 hex digits')
    .optional(),
  AIZUCHI_TWILIO_AUTH_TOKEN: z.string().min(1).optional(),
  AIZUCHI_TWILIO_FROM: e164.optional(),
  AIZUCHI_TWILIO_FROM_JA: e164.optional(),
  AIZUCHI_TWILIO_FROM_EN: e164.optional(),
  AIZUCHI_TWILIO_API_URL: z.string().url().optional(),
  // Edge = where calls enter Twilio (tokyo for JP→JP, TELEPHONY.md §1.7); region = where they are processed.
  AIZUCHI_TWILIO_EDGE: z
    .string()
    .regex(/^[a-z0-9-]+$/u, 'expected an edge name such as tokyo')
    .optional(),
  AIZUCHI_TWILIO_REGION: z
    .string()
    .regex(/^[a-z]{2}\d$/u, 'expected a region such as us1 or ie1')
    .optional(),
  AIZUCHI_TWILIO_MACHINE_DETECTION: bool(true),
  // Telnyx (issue 8): Call Control v2 dial with a media stream; webhooks at /telephony/telnyx/webhook.
  AIZUCHI_TELNYX_API_KEY: z.string().min(1).optional(),
  AIZUCHI_TELNYX_CONNECTION_ID: z.string().min(1).optional(),
  AIZUCHI_TELNYX_FROM: e164.optional(),
  AIZUCHI_TELNYX_FROM_JA: e164.optional(),
  AIZUCHI_TELNYX_FROM_EN: e164.optional(),
  AIZUCHI_TELNYX_PUBLIC_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'expected the base64 Ed25519 public key from the Telnyx portal (32 bytes)')
    .optional(),
  AIZUCHI_TELNYX_API_URL: z.string().url().default('https://api.telnyx.com/v2'),
  AIZUCHI_TELNYX_MACHINE_DETECTION: bool(true),
  // SIP trunk or PBX (issue 8): aizuchi's own SIP UA dials through it and carries the RTP itself.
  AIZUCHI_SIP_TRUNK: z
    .string()
    .regex(/^sip:[^@\s]+$/u, 'expected a SIP URI such as sip:pbx.example.com:5060;transport=udp')
    .optional(),
  AIZUCHI_SIP_USER: z.string().min(1).optional(),
  AIZUCHI_SIP_PASSWORD: z.string().min(1).optional(),
  AIZUCHI_SIP_FROM: z.string().min(1).optional(),
  AIZUCHI_SIP_FROM_JA: z.string().min(1).optional(),
  AIZUCHI_SIP_FROM_EN: z.string().min(1).optional(),
  AIZUCHI_SIP_LISTEN: z
    .string()
    .regex(/^(\[[0-9A-Fa-f:.]+\]|[^:[\]\s]+):\d{1,5}$/u, 'expected host:port such as 127.0.0.1:5070')
    .default('127.0.0.1:5070'),
  AIZUCHI_SIP_PUBLIC_HOST: z.string().min(1).optional(),
  AIZUCHI_SIP_RTP_PORTS: z
    .string()
    .regex(/^\d{4,5}-\d{4,5}$/u, 'expected min-max such as 20000-20999')
    .default('20000-20999'),
  AIZUCHI_SIP_REGISTER_SEC: int(0),
  // Asterisk AudioSocket (issue 8 §4): Asterisk connects to this TCP address; unset = off.
  AIZUCHI_AUDIOSOCKET_LISTEN: z
    .string()
    .regex(/^((\[[0-9A-Fa-f:.]+\]|[^:[\]\s]+):)?\d{1,5}$/u, 'expected host:port such as 127.0.0.1:9092, or a port (loopback)')
    .optional(),
  AIZUCHI_AUDIOSOCKET_ALLOW: z.string().min(1).default('127.0.0.1,::1'),
  // Sign-in hand-off (issue 12): the company's sign-in page sends a signed token to /recover?handoff=.
  AIZUCHI_HANDOFF_JWKS_URL: z.string().url().optional(),
  AIZUCHI_HANDOFF_SECRET: z.string().min(32, 'must be at least 32 characters (HS256 needs a key as long as its hash)').optional(),
  AIZUCHI_HANDOFF_ISSUER: z.string().min(1).optional(),
  AIZUCHI_HANDOFF_AUDIENCE: z.string().min(1).optional(),
  // Where customer accounts live (issue 12) and where each adapter reads contact facts.
  AIZUCHI_IDENTITY: z.enum(IDENTITY_KINDS, { message: `expected one of ${IDENTITY_KINDS.join(', ')}` }).default('embedded'),
  AIZUCHI_IDENTITY_PHONE_ATTRIBUTE: z.string().min(1).default('phoneNumber'),
  AIZUCHI_IDENTITY_NAME_ATTRIBUTE: z.string().min(1).optional(),
  AIZUCHI_IDENTITY_NAME_KANA_ATTRIBUTE: z.string().min(1).default('nameKana'),
  AIZUCHI_IDENTITY_NAME_LATIN_ATTRIBUTE: z.string().min(1).default('nameLatin'),
  AIZUCHI_IDENTITY_LANG_ATTRIBUTE: z.string().min(1).default('locale'),
  AIZUCHI_IDENTITY_DEFAULT_LANG: z.enum(['ja', 'en']).default('ja'),
  AIZUCHI_IDENTITY_PRIVILEGED: z.string().min(1).default('aizuchi-privileged'),
  // Amazon Cognito user pool (AIZUCHI_IDENTITY=cognito).
  AIZUCHI_COGNITO_REGION: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/u, 'expected an AWS region such as ap-northeast-1')
    .optional(),
  AIZUCHI_COGNITO_USER_POOL_ID: z
    .string()
    .regex(/^[\w-]+_[0-9a-zA-Z]+$/u, 'expected a user pool id such as ap-northeast-1_AbCdEf123')
    .optional(),
  AIZUCHI_COGNITO_ENDPOINT: z.string().url().optional(),
  AIZUCHI_COGNITO_ACCESS_KEY_ID: z.string().min(16).optional(),
  AIZUCHI_COGNITO_SECRET_ACCESS_KEY: z.string().min(16).optional(),
  // Operator sign-in with the company's OpenID Connect provider (issue 12).
  AIZUCHI_OIDC_ISSUER: z.string().url().optional(),
  AIZUCHI_OIDC_CLIENT_ID: z.string().min(1).optional(),
  AIZUCHI_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  AIZUCHI_OIDC_SCOPES: z.string().default('openid email profile'),
  AIZUCHI_OIDC_ROLE_CLAIM: z.string().min(1).default('groups'),
  AIZUCHI_OIDC_ROLE_MAP: z.string().optional(),
  // Keycloak (issue 12): a confidential client with a service account in the customers' realm.
  AIZUCHI_KEYCLOAK_URL: z.string().url().optional(),
  AIZUCHI_KEYCLOAK_REALM: z.string().min(1).optional(),
  AIZUCHI_KEYCLOAK_CLIENT_ID: z.string().min(1).optional(),
  AIZUCHI_KEYCLOAK_CLIENT_SECRET: z.string().min(1).optional(),
  AIZUCHI_KEYCLOAK_REQUIRED_ACTION: z.string().min(1).default('CONFIGURE_TOTP'),
  // Okta (issue 12): the org URL and an SSWS API token.
  AIZUCHI_OKTA_ORG_URL: z.string().url().optional(),
  AIZUCHI_OKTA_API_TOKEN: z.string().min(1).optional(),
  // …or an OAuth 2.0 API service app with a private key (private_key_jwt).
  AIZUCHI_OKTA_CLIENT_ID: z.string().min(1).optional(),
  AIZUCHI_OKTA_PRIVATE_KEY: z.string().min(1).optional(),
  AIZUCHI_OKTA_KEY_ID: z.string().min(1).optional(),
  AIZUCHI_OKTA_SCOPES: z.string().min(1).default('okta.users.read okta.users.manage okta.groups.read okta.roles.read'),
  // Auth0 (README "Auth0"): a Machine-to-Machine application; the API URL replaces https://{domain} (tests).
  AIZUCHI_AUTH0_DOMAIN: z
    .string()
    .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i, 'expected the tenant host name, e.g. example.jp.auth0.com')
    .optional(),
  AIZUCHI_AUTH0_CLIENT_ID: z.string().min(1).optional(),
  AIZUCHI_AUTH0_CLIENT_SECRET: z.string().min(1).optional(),
  AIZUCHI_AUTH0_API_URL: z.string().url().optional(),
  // Microsoft Entra ID through Microsoft Graph (README "Microsoft Entra ID"); the URLs change for national clouds and tests.
  AIZUCHI_ENTRA_TENANT_ID: z.string().min(1).optional(),
  AIZUCHI_ENTRA_CLIENT_ID: z.string().min(1).optional(),
  AIZUCHI_ENTRA_CLIENT_SECRET: z.string().min(1).optional(),
  AIZUCHI_ENTRA_LOGIN_URL: z.string().url().default('https://login.microsoftonline.com'),
  AIZUCHI_ENTRA_GRAPH_URL: z.string().url().default('https://graph.microsoft.com'),
  // The signed webhook to a company's own account system (src/identity/webhook/SPEC.md): https unless loopback.
  AIZUCHI_IDENTITY_WEBHOOK_URL: z
    .string()
    .url()
    .refine((u) => {
      const url = new URL(u);
      return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname.replace(/^\[|\]$/g, '')));
    }, 'expected an https URL (http only to a loopback address)')
    .optional(),
  AIZUCHI_IDENTITY_WEBHOOK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
});

export type Env = z.infer<typeof envSchema>;

/**
 * True for addresses only this machine can reach: `localhost`, `::1` and 127.0.0.0/8, as configured
 * (not resolved). HOST and AIZUCHI_METRICS_HOST may leave loopback only with the protection each
 * needs (a real mail relay, a metrics token); see web/host-policy.ts and web/metrics-server.ts.
 */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
