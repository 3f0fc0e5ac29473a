import path from 'node:path';
import { loadBaseConfig } from './base';
import { type Config, ConfigError, type ServerRoles } from './config-types';
import { envSchema } from './env-schema';
import {
  audioSocketConfig,
  callerIds,
  cognitoConfig,
  handoffConfig,
  keycloakConfig,
  oidcConfig,
  oktaConfig,
  sipConfig,
  telnyxConfig,
  twilioConfig,
} from './sections';

/*
 * The one place configuration is read. Every variable is validated at boot; a bad value fails fast
 * with the variable's name. Nothing else in src/ reads process.env. The variables and their rules
 * are in env-schema.ts, the resulting shape in config-types.ts, the grouped sections (carriers,
 * identity providers, hand-off, SSO) in sections.ts.
 */
export { TELEPHONY_NAMES, type Env, isLoopbackHost } from './env-schema';
export { type BaseConfig, type CalendarConfig, loadBaseConfig } from './base';
export {
  type CallerIds,
  type Config,
  ConfigError,
  type ServerRoles,
  type SipConfig,
  type TelnyxConfig,
  type TwilioConfig,
} from './config-types';

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
  // The variables the quickest commands read without zod (base.ts), then every other one.
  const base = loadBaseConfig(env);
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = issue?.path.join('.') ?? 'configuration';
    throw new ConfigError(`invalid ${name}: ${issue?.message ?? 'bad value'}`);
  }
  const e = parsed.data;
  const { dataDir, databaseUrl } = base;
  const serverUrl = e.AIZUCHI_URL ?? `http://localhost:${e.PORT}`;
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
    policy: base.policy,
    demo: e.AIZUCHI_DEMO,
    demoShowSecrets: e.AIZUCHI_DEMO_SHOW_SECRETS,
    mail: { smtpUrl: e.AIZUCHI_SMTP_URL ?? null, from: e.AIZUCHI_MAIL_FROM, catcherPort: e.AIZUCHI_MAIL_CATCHER_PORT },
    metrics: { port: e.AIZUCHI_METRICS_PORT, host: e.AIZUCHI_METRICS_HOST, token: e.AIZUCHI_METRICS_TOKEN ?? null },
    calendar: base.calendar,
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
      mediaThreadNice: e.AIZUCHI_MEDIA_THREAD_NICE,
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
