import path from 'node:path';
import { z } from 'zod';
import { POLICY_NAMES } from './domain/policy/presets';
import { type RoleMap, parseRoleMap } from './domain/console-roles';
import { AizuchiError } from './domain/errors';
import { IDENTITY_KINDS } from './domain/identity-kind';

/**
 * The one place configuration is read. Every variable is validated at boot; a bad value fails fast
 * with the variable's name. Nothing else in src/ reads process.env.
 */
/**
 * AIZUCHI_TELEPHONY: the browser softphone, a carrier (src/channels/carrier.ts CarrierName), or `text`:
 * a due callback opens a text-channel call and rings nobody — for test and load rigs that answer it
 * themselves (a fresh token through CallService.reissueToken, as the carrier job does).
 */
export const TELEPHONY_NAMES = ['softphone', 'twilio', 'telnyx', 'sip', 'text'] as const;

const int = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);
const bool = (fallback: boolean) =>
  z
    .enum(['1', '0', 'true', 'false', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === '1' || v === 'true' || v === 'yes');

/** E.164 as carriers take it: `+`, country code, up to 15 digits (ITU-T E.164 §6). */
const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/u, 'expected an E.164 number such as +81501234567');

const schema = z.object({
  PORT: int(3000),
  HOST: z.string().default('127.0.0.1'),
  // Graceful shutdown: how long calls in progress may go on after SIGTERM (README "Shutdown and readiness").
  AIZUCHI_DRAIN_SEC: int(25),
  AIZUCHI_DATA_DIR: z.string().default('./data'),
  AIZUCHI_URL: z.string().url().optional(),
  AIZUCHI_PUBLIC_URL: z.string().url().optional(),
  AIZUCHI_DATABASE_URL: z.string().optional(),
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
  // Which proofs a reset needs (src/domain/policy/presets.ts); the error lists every preset.
  AIZUCHI_POLICY: z.enum(POLICY_NAMES, { message: `expected one of ${POLICY_NAMES.join(', ')}` }).default('standard'),
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
  // Business calendar.
  AIZUCHI_TIMEZONE: z.string().default('Asia/Tokyo'),
  AIZUCHI_BUSINESS_HOURS: z.string().default('mon-fri 09:00-18:00'),
  AIZUCHI_CLOSED_DATES: z.string().default(''),
  AIZUCHI_JAPANESE_HOLIDAYS: bool(true),
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

export type Env = z.infer<typeof schema>;

/** Caller ID for outbound calls: `default` unless the case's language has its own number. */
export interface CallerIds {
  default: string;
  ja?: string;
  en?: string;
}

/** SIP trunk settings (null when AIZUCHI_SIP_TRUNK is unset); telephony/sip/sip-carrier.ts reads them. */
export interface SipConfig {
  trunk: string;
  user?: string;
  password?: string;
  /** A SIP URI, or a user part (an E.164 caller ID) put on the trunk's host. */
  from: string;
  /** Caller IDs for cases in that language (AIZUCHI_SIP_FROM_JA / _EN), in the same forms. */
  fromByLang?: { ja?: string; en?: string };
  listen: string;
  publicHost?: string;
  rtpPorts: string;
  /** 0: no REGISTER. */
  registerExpiresSec: number;
}

/** Twilio account settings (null when AIZUCHI_TWILIO_ACCOUNT_SID is unset). */
export interface TwilioConfig {
  accountSid: string;
  authToken: string;
  from: CallerIds;
  /** REST base URL: AIZUCHI_TWILIO_API_URL, else `https://api.{edge}.{region}.twilio.com` when an edge or region is set, else api.twilio.com. */
  apiUrl: string;
  /** Answering-machine detection (async AMD) on outbound calls. */
  machineDetection: boolean;
}

/** Telnyx Call Control settings (null when AIZUCHI_TELNYX_API_KEY is unset). */
export interface TelnyxConfig {
  apiKey: string;
  connectionId: string;
  from: CallerIds;
  /** Base64 Ed25519 key that webhooks are verified with. */
  publicKey: string;
  /** REST base URL including `/v2`. */
  apiUrl: string;
  machineDetection: boolean;
}

export interface Config {
  port: number;
  host: string;
  /** After SIGTERM, seconds calls in progress may run on before they end as abandoned (and are retried). */
  drainSec: number;
  dataDir: string;
  /** Where commands find the running server. */
  serverUrl: string;
  /** The address customers reach (links in mail). */
  publicUrl: string;
  databaseUrl: string;
  /** The job engine (AIZUCHI_JOB_ENGINE): default `pg-boss` on PostgreSQL, `embedded` on SQLite; `pg-boss` only on PostgreSQL. */
  jobEngine: 'embedded' | 'pg-boss';
  /** pg-boss: milliseconds one run may take before it is expired and retried, a killed process's runs included (AIZUCHI_JOB_LEASE_SEC). */
  jobLeaseMs: number;
  /** Milliseconds a call's owner may go without a heartbeat before its calls are abandoned (AIZUCHI_CALL_LEASE_SEC). */
  callLeaseMs: number;
  /** What `serve` runs here (AIZUCHI_ROLES or `serve --roles`). */
  roles: ServerRoles;
  logLevel: Env['AIZUCHI_LOG_LEVEL'];
  companyName: string;
  agentName: string;
  policy: Env['AIZUCHI_POLICY'];
  demo: boolean;
  /** Print the demo's secrets in the banner (AIZUCHI_DEMO_SHOW_SECRETS); otherwise only the file's path. */
  demoShowSecrets: boolean;
  mail: { smtpUrl: string | null; from: string; catcherPort: number };
  /** The metrics listener: never on the public port; a token is required off loopback. */
  metrics: { port: number; host: string; token: string | null };
  calendar: { timeZone: string; weeklyHours: string; closedDates: string[]; japaneseHolidays: boolean };
  limits: {
    requestsPerIpPerHour: number;
    requestsPerAccountPerDay: number;
    callsPerPhonePerDay: number;
    requestsGlobalPerHour: number;
    loginFailuresPer15Min: number;
    /** Earliest call after a request, so the customer can read the mail (and cancel) first. */
    callbackLeadSec: number;
    callbackRetries: number;
    callbackRetryDelayMin: number;
    /** How long an escalated case may wait in the queue before it shows as overdue (issue 10). */
    escalationSlaMin: number;
  };
  /**
   * Operator console sessions, local and SSO alike (issue 10). Rule: NIST SP 800-63B-4 §2.2.3, AAL2 —
   * reauthenticate at least every 12 hours (absolute, from sign-in) and after 30 minutes of
   * inactivity. idleMin: minutes without a request before the session ends; sessionMaxHours: hours
   * after sign-in it ends regardless (at most 12; SSO sessions keep their own 8 h when smaller).
   */
  console: { idleMin: number; sessionMaxHours: number };
  /** Every recovery response takes at least this long, so account existence cannot be timed. */
  recoveryResponseFloorMs: number;
  recordingRetentionDays: number;
  /** How long "this wasn't me" locks self-service recovery for the account. */
  recoveryLockDays: number;
  /** Who places callbacks, and how long a carrier call rings. */
  telephony: { dialer: Env['AIZUCHI_TELEPHONY']; ringTimeoutSec: number; machineDetection: Env['AIZUCHI_TELEPHONY_MACHINE_DETECTION'] };
  /** The number customers call in on, per language (AIZUCHI_INBOUND_NUMBER*); null when none is set. */
  inboundNumbers: CallerIds | null;
  speech: {
    recognizer: Env['AIZUCHI_RECOGNIZER'];
    recognizerUrl?: string;
    recognizerKey?: string;
    recognizerModel?: string;
    synthJa: Env['AIZUCHI_SYNTH_JA'];
    synthEn: Env['AIZUCHI_SYNTH_EN'];
    /** Media worker threads; undefined = one per core, 0 = none (all media work on the event loop). */
    mediaThreads?: number;
    /** The deployer's pronunciation entries as written in the environment (see speech/synthesis/pronunciation-lexicon.ts). */
    pronunciations: { ja?: string; en?: string; file?: string };
  };
  twilio: TwilioConfig | null;
  telnyx: TelnyxConfig | null;
  sip: SipConfig | null;
  /** The AudioSocket listener (null when AIZUCHI_AUDIOSOCKET_LISTEN is unset); telephony/audiosocket reads it. */
  audioSocket: { host: string; port: number; allow: string[] } | null;
  /**
   * The sign-in hand-off's verification (identity/handoff): exactly one key source, the issuer and
   * the audience; null when no AIZUCHI_HANDOFF_* variable is set (`?handoff=` is then ignored).
   */
  handoff: { keys: { jwksUrl: string } | { secret: string }; issuer: string; audience: string } | null;
  /** Where customer accounts live; operators sign in with local (embedded) accounts or through operator SSO (`oidc`). */
  identity: {
    kind: Env['AIZUCHI_IDENTITY'];
    /** Where an external provider keeps contact facts (identity/attribute-mapping.ts AttributeMapping). */
    mapping: {
      phone: string;
      name: string | null;
      nameKana: string;
      nameLatin: string;
      lang: string;
      defaultLang: Env['AIZUCHI_IDENTITY_DEFAULT_LANG'];
      privileged: string;
    };
    /** Set when AIZUCHI_IDENTITY=keycloak (every AIZUCHI_KEYCLOAK_* then required). */
    keycloak: { url: string; realm: string; clientId: string; clientSecret: string; requiredAction: string } | null;
    /** Set when AIZUCHI_IDENTITY=okta: the org and an API token, or an OAuth service app's client id and private key. */
    okta:
      | ({ orgUrl: string } & (
          { apiToken: string } | { oauth: { clientId: string; privateKeyPem: string; keyId?: string; scopes: string } }
        ))
      | null;
    /** AIZUCHI_AUTH0_*: checked when AIZUCHI_IDENTITY=auth0 (identity/auth0/auth0-provider.ts). */
    auth0: { domain: string | null; clientId: string | null; clientSecret: string | null; apiUrl: string | null };
    /** AIZUCHI_ENTRA_*: checked when AIZUCHI_IDENTITY=entra. */
    entra: { tenantId: string | null; clientId: string | null; clientSecret: string | null; loginUrl: string; graphUrl: string };
    /** AIZUCHI_IDENTITY_WEBHOOK_*: checked when AIZUCHI_IDENTITY=webhook. */
    webhook: { url: string | null; secret: string | null };
    /** AIZUCHI_COGNITO_*; null unless both the region and the pool id are set. */
    cognito: {
      region: string;
      userPoolId: string;
      endpoint?: string;
      credentials?: { accessKeyId: string; secretAccessKey: string };
    } | null;
  };
  /** Operator SSO (identity/operator-sso); null when AIZUCHI_OIDC_ISSUER is unset. */
  oidc: {
    issuer: string;
    clientId: string;
    clientSecret?: string;
    redirectUri: string;
    scopes: string;
    roleClaim: string;
    roleMap: RoleMap;
  } | null;
}

export class ConfigError extends AizuchiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'config', cause: options?.cause });
  }
}

/**
 * True for addresses only this machine can reach: `localhost`, `::1` and 127.0.0.0/8, as configured
 * (not resolved). HOST and AIZUCHI_METRICS_HOST may leave loopback only with the protection each
 * needs (a real mail relay, a metrics token); see web/host-policy.ts and web/metrics-server.ts.
 */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** The hand-off settings, all or nothing: a half-configured hand-off would accept what it should not check. */
function handoffConfig(e: Env): Config['handoff'] {
  const { AIZUCHI_HANDOFF_JWKS_URL: jwksUrl, AIZUCHI_HANDOFF_SECRET: secret } = e;
  const issuer = e.AIZUCHI_HANDOFF_ISSUER;
  const audience = e.AIZUCHI_HANDOFF_AUDIENCE;
  if (!jwksUrl && !secret && !issuer && !audience) return null;
  if (jwksUrl && secret)
    throw new ConfigError('invalid AIZUCHI_HANDOFF_SECRET: set AIZUCHI_HANDOFF_JWKS_URL or AIZUCHI_HANDOFF_SECRET, not both');
  if (!jwksUrl && !secret)
    throw new ConfigError('invalid AIZUCHI_HANDOFF_JWKS_URL: the hand-off needs AIZUCHI_HANDOFF_JWKS_URL or AIZUCHI_HANDOFF_SECRET');
  if (!issuer) throw new ConfigError('invalid AIZUCHI_HANDOFF_ISSUER: required when a hand-off key is set');
  if (!audience) throw new ConfigError('invalid AIZUCHI_HANDOFF_AUDIENCE: required when a hand-off key is set');
  // Keys fetched over plain HTTP could be swapped on the way; only this machine is exempt (tests, sidecars).
  if (jwksUrl && new URL(jwksUrl).protocol !== 'https:' && !isLoopbackHost(new URL(jwksUrl).hostname.replace(/^\[|\]$/g, '')))
    throw new ConfigError('invalid AIZUCHI_HANDOFF_JWKS_URL: must be https (plain http only on loopback)');
  return { keys: jwksUrl ? { jwksUrl } : { secret: secret! }, issuer, audience };
}

/** Operator SSO settings: the issuer turns it on, and then the client and a role map are required. */
function oidcConfig(e: Env, publicUrl: string): Config['oidc'] {
  if (!e.AIZUCHI_OIDC_ISSUER) return null;
  if (!e.AIZUCHI_OIDC_CLIENT_ID) throw new ConfigError('invalid AIZUCHI_OIDC_CLIENT_ID: required when AIZUCHI_OIDC_ISSUER is set');
  if (!e.AIZUCHI_OIDC_ROLE_MAP)
    throw new ConfigError('invalid AIZUCHI_OIDC_ROLE_MAP: required when AIZUCHI_OIDC_ISSUER is set, e.g. aizuchi-operators=operator');
  const issuer = new URL(e.AIZUCHI_OIDC_ISSUER);
  if (issuer.protocol !== 'https:' && !isLoopbackHost(issuer.hostname.replace(/^\[|\]$/g, '')))
    throw new ConfigError('invalid AIZUCHI_OIDC_ISSUER: must be https (plain http only on loopback)');
  if (!e.AIZUCHI_OIDC_SCOPES.split(/\s+/).includes('openid')) throw new ConfigError('invalid AIZUCHI_OIDC_SCOPES: must include openid');
  let roleMap: RoleMap;
  try {
    roleMap = parseRoleMap(e.AIZUCHI_OIDC_ROLE_MAP);
  } catch (err) {
    throw new ConfigError(`invalid AIZUCHI_OIDC_ROLE_MAP: ${(err as Error).message}`);
  }
  return {
    issuer: e.AIZUCHI_OIDC_ISSUER,
    clientId: e.AIZUCHI_OIDC_CLIENT_ID,
    ...(e.AIZUCHI_OIDC_CLIENT_SECRET ? { clientSecret: e.AIZUCHI_OIDC_CLIENT_SECRET } : {}),
    redirectUri: new URL('/signin/sso/callback', publicUrl).href,
    scopes: e.AIZUCHI_OIDC_SCOPES,
    roleClaim: e.AIZUCHI_OIDC_ROLE_CLAIM,
    roleMap,
  };
}

/**
 * What one `aizuchi serve` process does. web: the HTTP app (pages, API, webhooks, softphone and
 * media-stream sockets) and the mail catcher; worker: the job worker and the recurring jobs; media:
 * the call listeners of their own (AudioSocket). Any mix, N of each against one database.
 */
export interface ServerRoles {
  web: boolean;
  worker: boolean;
  media: boolean;
}

const ROLE_NAMES = ['web', 'worker', 'media'] as const;

/** Parses `web,worker`, `media` or `all` (any case, spaces ignored). Throws ConfigError naming AIZUCHI_ROLES. */
export function parseRoles(text: string): ServerRoles {
  const names = text
    .split(',')
    .map((n) => n.trim().toLowerCase())
    .filter((n) => n !== '');
  if (names.length === 0) throw new ConfigError('invalid AIZUCHI_ROLES: name at least one of web, worker, media or all');
  const roles: ServerRoles = { web: false, worker: false, media: false };
  for (const name of names) {
    if (name === 'all') return { web: true, worker: true, media: true };
    if (!(ROLE_NAMES as readonly string[]).includes(name)) {
      throw new ConfigError(`invalid AIZUCHI_ROLES: "${name}" is not a role; expected web, worker, media or all, comma-separated`);
    }
    roles[name as keyof ServerRoles] = true;
  }
  return roles;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = issue?.path.join('.') ?? 'configuration';
    throw new ConfigError(`invalid ${name}: ${issue?.message ?? 'bad value'}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.AIZUCHI_DATA_DIR);
  const serverUrl = e.AIZUCHI_URL ?? `http://localhost:${e.PORT}`;
  const databaseUrl = e.AIZUCHI_DATABASE_URL ?? `sqlite:${path.join(dataDir, 'aizuchi.db')}`;
  const postgres = /^postgres(ql)?:\/\//.test(databaseUrl);
  if (e.AIZUCHI_JOB_ENGINE === 'pg-boss' && !postgres) {
    throw new ConfigError('invalid AIZUCHI_JOB_ENGINE: pg-boss needs a PostgreSQL AIZUCHI_DATABASE_URL (postgres://…)');
  }
  // Unset: pg-boss where it can run (PostgreSQL), the embedded queue on SQLite; `builtin` names the embedded queue.
  const jobEngine = e.AIZUCHI_JOB_ENGINE === 'pg-boss' || (e.AIZUCHI_JOB_ENGINE === undefined && postgres) ? 'pg-boss' : 'embedded';
  return {
    port: e.PORT,
    host: e.HOST,
    drainSec: e.AIZUCHI_DRAIN_SEC,
    dataDir,
    serverUrl,
    publicUrl: e.AIZUCHI_PUBLIC_URL ?? serverUrl,
    databaseUrl,
    jobEngine,
    jobLeaseMs: e.AIZUCHI_JOB_LEASE_SEC * 1000,
    callLeaseMs: e.AIZUCHI_CALL_LEASE_SEC * 1000,
    roles: parseRoles(e.AIZUCHI_ROLES),
    logLevel: e.AIZUCHI_LOG_LEVEL,
    companyName: e.AIZUCHI_COMPANY_NAME,
    agentName: e.AIZUCHI_AGENT_NAME,
    policy: e.AIZUCHI_POLICY,
    demo: e.AIZUCHI_DEMO,
    demoShowSecrets: e.AIZUCHI_DEMO_SHOW_SECRETS,
    mail: { smtpUrl: e.AIZUCHI_SMTP_URL ?? null, from: e.AIZUCHI_MAIL_FROM, catcherPort: e.AIZUCHI_MAIL_CATCHER_PORT },
    metrics: { port: e.AIZUCHI_METRICS_PORT, host: e.AIZUCHI_METRICS_HOST, token: e.AIZUCHI_METRICS_TOKEN ?? null },
    calendar: {
      timeZone: e.AIZUCHI_TIMEZONE,
      weeklyHours: e.AIZUCHI_BUSINESS_HOURS,
      closedDates: e.AIZUCHI_CLOSED_DATES.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      japaneseHolidays: e.AIZUCHI_JAPANESE_HOLIDAYS,
    },
    limits: {
      requestsPerIpPerHour: e.AIZUCHI_LIMIT_REQUESTS_PER_IP_PER_HOUR,
      requestsPerAccountPerDay: e.AIZUCHI_LIMIT_REQUESTS_PER_ACCOUNT_PER_DAY,
      callsPerPhonePerDay: e.AIZUCHI_LIMIT_CALLS_PER_PHONE_PER_DAY,
      requestsGlobalPerHour: e.AIZUCHI_LIMIT_REQUESTS_GLOBAL_PER_HOUR,
      loginFailuresPer15Min: e.AIZUCHI_LIMIT_LOGIN_FAILURES_PER_15_MIN,
      callbackLeadSec: e.AIZUCHI_CALLBACK_LEAD_SEC,
      callbackRetries: e.AIZUCHI_CALLBACK_RETRIES,
      callbackRetryDelayMin: e.AIZUCHI_CALLBACK_RETRY_DELAY_MIN,
      escalationSlaMin: e.AIZUCHI_ESCALATION_SLA_MIN,
    },
    console: { idleMin: e.AIZUCHI_CONSOLE_IDLE_MIN, sessionMaxHours: e.AIZUCHI_CONSOLE_SESSION_MAX_HOURS },
    recoveryResponseFloorMs: e.AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS,
    recordingRetentionDays: e.AIZUCHI_RECORDING_RETENTION_DAYS,
    recoveryLockDays: e.AIZUCHI_RECOVERY_LOCK_DAYS,
    telephony: {
      dialer: e.AIZUCHI_TELEPHONY,
      ringTimeoutSec: e.AIZUCHI_TELEPHONY_RING_SEC,
      machineDetection: e.AIZUCHI_TELEPHONY_MACHINE_DETECTION,
    },
    inboundNumbers:
      e.AIZUCHI_INBOUND_NUMBER || e.AIZUCHI_INBOUND_NUMBER_JA || e.AIZUCHI_INBOUND_NUMBER_EN
        ? callerIds(e.AIZUCHI_INBOUND_NUMBER, e.AIZUCHI_INBOUND_NUMBER_JA, e.AIZUCHI_INBOUND_NUMBER_EN)
        : null,
    speech: {
      recognizer: e.AIZUCHI_RECOGNIZER,
      recognizerUrl: e.AIZUCHI_RECOGNIZER_URL,
      recognizerKey: e.AIZUCHI_RECOGNIZER_KEY,
      recognizerModel: e.AIZUCHI_RECOGNIZER_MODEL,
      synthJa: e.AIZUCHI_SYNTH_JA,
      synthEn: e.AIZUCHI_SYNTH_EN,
      ...(e.AIZUCHI_MEDIA_THREADS === undefined ? {} : { mediaThreads: e.AIZUCHI_MEDIA_THREADS }),
      pronunciations: {
        ...(e.AIZUCHI_PRONUNCIATIONS_JA ? { ja: e.AIZUCHI_PRONUNCIATIONS_JA } : {}),
        ...(e.AIZUCHI_PRONUNCIATIONS_EN ? { en: e.AIZUCHI_PRONUNCIATIONS_EN } : {}),
        ...(e.AIZUCHI_PRONUNCIATIONS_FILE ? { file: path.resolve(e.AIZUCHI_PRONUNCIATIONS_FILE) } : {}),
      },
    },
    identity: {
      kind: e.AIZUCHI_IDENTITY,
      mapping: {
        phone: e.AIZUCHI_IDENTITY_PHONE_ATTRIBUTE,
        name: e.AIZUCHI_IDENTITY_NAME_ATTRIBUTE ?? null,
        nameKana: e.AIZUCHI_IDENTITY_NAME_KANA_ATTRIBUTE,
        nameLatin: e.AIZUCHI_IDENTITY_NAME_LATIN_ATTRIBUTE,
        lang: e.AIZUCHI_IDENTITY_LANG_ATTRIBUTE,
        defaultLang: e.AIZUCHI_IDENTITY_DEFAULT_LANG,
        privileged: e.AIZUCHI_IDENTITY_PRIVILEGED,
      },
      keycloak: keycloakConfig(e),
      okta: oktaConfig(e),
      auth0: {
        domain: e.AIZUCHI_AUTH0_DOMAIN ?? null,
        clientId: e.AIZUCHI_AUTH0_CLIENT_ID ?? null,
        clientSecret: e.AIZUCHI_AUTH0_CLIENT_SECRET ?? null,
        apiUrl: e.AIZUCHI_AUTH0_API_URL ?? null,
      },
      entra: {
        tenantId: e.AIZUCHI_ENTRA_TENANT_ID ?? null,
        clientId: e.AIZUCHI_ENTRA_CLIENT_ID ?? null,
        clientSecret: e.AIZUCHI_ENTRA_CLIENT_SECRET ?? null,
        loginUrl: e.AIZUCHI_ENTRA_LOGIN_URL,
        graphUrl: e.AIZUCHI_ENTRA_GRAPH_URL,
      },
      webhook: { url: e.AIZUCHI_IDENTITY_WEBHOOK_URL ?? null, secret: e.AIZUCHI_IDENTITY_WEBHOOK_SECRET ?? null },
      cognito: cognitoConfig(e),
    },
    twilio: twilioConfig(e),
    telnyx: telnyxConfig(e),
    sip: sipConfig(e),
    audioSocket: audioSocketConfig(e),
    handoff: handoffConfig(e),
    oidc: oidcConfig(e, e.AIZUCHI_PUBLIC_URL ?? serverUrl),
  };
}

function cognitoConfig(e: Env): Config['identity']['cognito'] {
  if (!e.AIZUCHI_COGNITO_USER_POOL_ID && e.AIZUCHI_IDENTITY !== 'cognito') return null;
  required(e, e.AIZUCHI_COGNITO_USER_POOL_ID ? 'AIZUCHI_COGNITO_USER_POOL_ID' : 'AIZUCHI_IDENTITY=cognito', [
    'AIZUCHI_COGNITO_REGION',
    'AIZUCHI_COGNITO_USER_POOL_ID',
  ]);
  // Keys come as a pair or not at all (then the SDK's default chain: environment, profile, role).
  if (Boolean(e.AIZUCHI_COGNITO_ACCESS_KEY_ID) !== Boolean(e.AIZUCHI_COGNITO_SECRET_ACCESS_KEY))
    throw new ConfigError('AIZUCHI_COGNITO_ACCESS_KEY_ID and AIZUCHI_COGNITO_SECRET_ACCESS_KEY are set together or not at all');
  return {
    region: e.AIZUCHI_COGNITO_REGION!,
    userPoolId: e.AIZUCHI_COGNITO_USER_POOL_ID!,
    ...(e.AIZUCHI_COGNITO_ENDPOINT ? { endpoint: e.AIZUCHI_COGNITO_ENDPOINT } : {}),
    ...(e.AIZUCHI_COGNITO_ACCESS_KEY_ID
      ? { credentials: { accessKeyId: e.AIZUCHI_COGNITO_ACCESS_KEY_ID, secretAccessKey: e.AIZUCHI_COGNITO_SECRET_ACCESS_KEY! } }
      : {}),
  };
}

function required(e: Env, set: string, names: (keyof Env)[]): void {
  const missing = names.filter((n) => !e[n]);
  if (missing.length > 0) throw new ConfigError(`${set} is set, so ${missing.join(', ')} must be set too`);
}

function callerIds(fallback: string | undefined, ja: string | undefined, en: string | undefined): CallerIds {
  return { default: fallback ?? '', ...(ja ? { ja } : {}), ...(en ? { en } : {}) };
}

function twilioConfig(e: Env): TwilioConfig | null {
  if (!e.AIZUCHI_TWILIO_ACCOUNT_SID) return null;
  required(e, 'AIZUCHI_TWILIO_ACCOUNT_SID', ['AIZUCHI_TWILIO_AUTH_TOKEN', 'AIZUCHI_TWILIO_FROM']);
  // REST hostnames are api.{edge}.{region}.twilio.com; an edge alone goes with us1 (TELEPHONY.md §1.7).
  const edged =
    e.AIZUCHI_TWILIO_EDGE || e.AIZUCHI_TWILIO_REGION
      ? `https://api.${[e.AIZUCHI_TWILIO_EDGE, e.AIZUCHI_TWILIO_REGION ?? 'us1'].filter(Boolean).join('.')}.twilio.com`
      : 'https://api.twilio.com';
  return {
    accountSid: e.AIZUCHI_TWILIO_ACCOUNT_SID,
    authToken: e.AIZUCHI_TWILIO_AUTH_TOKEN ?? '',
    from: callerIds(e.AIZUCHI_TWILIO_FROM, e.AIZUCHI_TWILIO_FROM_JA, e.AIZUCHI_TWILIO_FROM_EN),
    apiUrl: (e.AIZUCHI_TWILIO_API_URL ?? edged).replace(/\/+$/u, ''),
    machineDetection: e.AIZUCHI_TWILIO_MACHINE_DETECTION,
  };
}

function audioSocketConfig(e: Env): Config['audioSocket'] {
  if (!e.AIZUCHI_AUDIOSOCKET_LISTEN) return null;
  const at = e.AIZUCHI_AUDIOSOCKET_LISTEN.lastIndexOf(':');
  // A bare port listens on loopback: Asterisk on the same host, nothing exposed by accident.
  const host = at < 0 ? '127.0.0.1' : e.AIZUCHI_AUDIOSOCKET_LISTEN.slice(0, at).replace(/^\[(.*)\]$/u, '$1');
  const port = Number(e.AIZUCHI_AUDIOSOCKET_LISTEN.slice(at + 1));
  if (port > 65535) throw new ConfigError('invalid AIZUCHI_AUDIOSOCKET_LISTEN: port above 65535');
  const allow = e.AIZUCHI_AUDIOSOCKET_ALLOW.split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');
  return { host, port, allow };
}

function sipConfig(e: Env): SipConfig | null {
  if (!e.AIZUCHI_SIP_TRUNK) return null;
  required(e, 'AIZUCHI_SIP_TRUNK', ['AIZUCHI_SIP_FROM']);
  if (e.AIZUCHI_SIP_PASSWORD && !e.AIZUCHI_SIP_USER)
    throw new ConfigError('AIZUCHI_SIP_PASSWORD is set, so AIZUCHI_SIP_USER must be set too');
  return {
    trunk: e.AIZUCHI_SIP_TRUNK,
    ...(e.AIZUCHI_SIP_USER ? { user: e.AIZUCHI_SIP_USER } : {}),
    ...(e.AIZUCHI_SIP_PASSWORD ? { password: e.AIZUCHI_SIP_PASSWORD } : {}),
    from: e.AIZUCHI_SIP_FROM ?? '',
    ...(e.AIZUCHI_SIP_FROM_JA || e.AIZUCHI_SIP_FROM_EN
      ? {
          fromByLang: {
            ...(e.AIZUCHI_SIP_FROM_JA ? { ja: e.AIZUCHI_SIP_FROM_JA } : {}),
            ...(e.AIZUCHI_SIP_FROM_EN ? { en: e.AIZUCHI_SIP_FROM_EN } : {}),
          },
        }
      : {}),
    listen: e.AIZUCHI_SIP_LISTEN,
    ...(e.AIZUCHI_SIP_PUBLIC_HOST ? { publicHost: e.AIZUCHI_SIP_PUBLIC_HOST } : {}),
    rtpPorts: e.AIZUCHI_SIP_RTP_PORTS,
    registerExpiresSec: e.AIZUCHI_SIP_REGISTER_SEC,
  };
}

function telnyxConfig(e: Env): TelnyxConfig | null {
  if (!e.AIZUCHI_TELNYX_API_KEY) return null;
  required(e, 'AIZUCHI_TELNYX_API_KEY', ['AIZUCHI_TELNYX_CONNECTION_ID', 'AIZUCHI_TELNYX_FROM', 'AIZUCHI_TELNYX_PUBLIC_KEY']);
  return {
    apiKey: e.AIZUCHI_TELNYX_API_KEY,
    connectionId: e.AIZUCHI_TELNYX_CONNECTION_ID ?? '',
    from: callerIds(e.AIZUCHI_TELNYX_FROM, e.AIZUCHI_TELNYX_FROM_JA, e.AIZUCHI_TELNYX_FROM_EN),
    publicKey: e.AIZUCHI_TELNYX_PUBLIC_KEY ?? '',
    apiUrl: e.AIZUCHI_TELNYX_API_URL.replace(/\/+$/u, ''),
    machineDetection: e.AIZUCHI_TELNYX_MACHINE_DETECTION,
  };
}

function keycloakConfig(e: Env): Config['identity']['keycloak'] {
  if (e.AIZUCHI_IDENTITY !== 'keycloak') return null;
  required(e, 'AIZUCHI_IDENTITY=keycloak', [
    'AIZUCHI_KEYCLOAK_URL',
    'AIZUCHI_KEYCLOAK_REALM',
    'AIZUCHI_KEYCLOAK_CLIENT_ID',
    'AIZUCHI_KEYCLOAK_CLIENT_SECRET',
  ]);
  return {
    url: e.AIZUCHI_KEYCLOAK_URL ?? '',
    realm: e.AIZUCHI_KEYCLOAK_REALM ?? '',
    clientId: e.AIZUCHI_KEYCLOAK_CLIENT_ID ?? '',
    clientSecret: e.AIZUCHI_KEYCLOAK_CLIENT_SECRET ?? '',
    requiredAction: e.AIZUCHI_KEYCLOAK_REQUIRED_ACTION,
  };
}

function oktaConfig(e: Env): Config['identity']['okta'] {
  if (e.AIZUCHI_IDENTITY !== 'okta') return null;
  const orgUrl = e.AIZUCHI_OKTA_ORG_URL ?? '';
  if (e.AIZUCHI_OKTA_CLIENT_ID || e.AIZUCHI_OKTA_PRIVATE_KEY) {
    required(e, 'AIZUCHI_IDENTITY=okta with an OAuth service app', [
      'AIZUCHI_OKTA_ORG_URL',
      'AIZUCHI_OKTA_CLIENT_ID',
      'AIZUCHI_OKTA_PRIVATE_KEY',
    ]);
    if (e.AIZUCHI_OKTA_API_TOKEN)
      throw new ConfigError('set AIZUCHI_OKTA_API_TOKEN or AIZUCHI_OKTA_CLIENT_ID/AIZUCHI_OKTA_PRIVATE_KEY, not both');
    return {
      orgUrl,
      oauth: {
        clientId: e.AIZUCHI_OKTA_CLIENT_ID ?? '',
        // A PEM in one environment line usually has its newlines written as \n.
        privateKeyPem: (e.AIZUCHI_OKTA_PRIVATE_KEY ?? '').replace(/\\n/g, '\n'),
        ...(e.AIZUCHI_OKTA_KEY_ID ? { keyId: e.AIZUCHI_OKTA_KEY_ID } : {}),
        scopes: e.AIZUCHI_OKTA_SCOPES,
      },
    };
  }
  required(e, 'AIZUCHI_IDENTITY=okta', ['AIZUCHI_OKTA_ORG_URL', 'AIZUCHI_OKTA_API_TOKEN']);
  return { orgUrl, apiToken: e.AIZUCHI_OKTA_API_TOKEN ?? '' };
}
