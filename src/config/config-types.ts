import type { RoleMap } from '../domain/console-roles';
import type { BaseConfig } from './base';
import type { Env } from './env-schema';

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

export interface Config extends BaseConfig {
  port: number;
  host: string;
  /** After SIGTERM, seconds calls in progress may run on before they end as abandoned (and are retried). */
  drainSec: number;
  /** Where commands find the running server. */
  serverUrl: string;
  /** The address customers reach (links in mail). */
  publicUrl: string;
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
  demo: boolean;
  /** Print the demo's secrets in the banner (AIZUCHI_DEMO_SHOW_SECRETS); otherwise only the file's path. */
  demoShowSecrets: boolean;
  mail: { smtpUrl: string | null; from: string; catcherPort: number };
  /** The metrics listener: never on the public port; a token is required off loopback. */
  metrics: { port: number; host: string; token: string | null };
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
    /** Nice value added to each media thread (Linux, 0..19; 0 = the process's own). */
    mediaThreadNice: number;
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
    /** Absent for a public client (PKCE alone). */
    clientSecret?: string;
    /** Where the provider sends the browser back: `{AIZUCHI_PUBLIC_URL}/signin/sso/callback`. */
    redirectUri: string;
    scopes: string;
    /** The claim holding groups or roles; dots walk into objects (`realm_access.roles`). */
    roleClaim: string;
    roleMap: RoleMap;
  } | null;
}

export { ConfigError } from './base';

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
