import type { Generated } from 'kysely';

/**
 * The typed shape of every table. Portable across SQLite and PostgreSQL: times are ISO-8601 UTC
 * strings (fixed width, so they sort as text), booleans are 0/1 integers, JSON is text.
 */
export interface AccountsTable {
  id: string;
  email: string;
  name: string;
  phone_e164: string;
  lang: string;
  role: string; // 'customer' | 'operator'
  password_hash: string;
  mfa_secret_enc: string | null;
  mfa_enabled: number;
  mfa_enroll_required: number;
  privileged: number;
  created_at: string;
  updated_at: string;
  /** Set when "this wasn't me" followed a reset: no new factor may be enrolled until an operator unfreezes. */
  enrolment_frozen_at?: string | null; // optional: added by migration 003, null unless frozen
  /** The name's kana reading and Latin spelling, for saying it in a call (migration 009); null when not given. */
  name_kana?: string | null;
  name_latin?: string | null;
}

export interface SessionsTable {
  id_hash: string;
  account_id: string;
  stage: string; // 'password' (awaiting MFA) | 'full'
  password_verified_at: string | null;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
  /** Migration 015: the id /console/sessions shows and revokes (not the lookup hash). */
  public_id: string | null;
  /** Migration 015: the last full authentication (password + TOTP, or re-authentication). */
  auth_at: string | null;
  /** Migration 015: the last request the session served (idle expiry). */
  last_seen_at: string | null;
  /** Migration 019: the User-Agent the session was opened with (at most 512 characters); null before it. */
  user_agent?: string | null;
}

export interface RateEventsTable {
  id: Generated<number>;
  bucket: string;
  at: string;
}

export interface CasesTable {
  id: string;
  account_id: string | null;
  email: string;
  phone_e164: string;
  phone_on_record: number;
  lang: string;
  state: string;
  assurance: string; // 'password_verified' | 'low'
  consent_at: string;
  consent_version: string;
  recording_consent: number;
  client_ip_hash: string;
  scheduled_at: string | null;
  call_attempts: number;
  outcome: string | null;
  cancel_token_hash: string | null;
  created_at: string;
  updated_at: string;
  /** Why a person must look at this case whatever its state, e.g. 'disowned_after_reset'; null when nothing is pending. */
  review_flag?: string | null; // optional: added by migration 003
  /** 6 random digits the customer keys or says when calling in, unique among open cases (migration 010); null only on rows written by old code. */
  reference?: string | null;
}

/** Self-service recovery refused for an account until `locked_until` ("this wasn't me"). */
export interface RecoveryLocksTable {
  account_id: string;
  locked_until: string;
  case_id: string;
  created_at: string;
}

export interface CaseEventsTable {
  seq: number;
  case_id: string;
  account_id: string | null;
  kind: string;
  data: string;
  at: string;
  prev_hash: string;
  hash: string;
}

/** A console operator's stored language (migration 012); `operator_id` is the console principal's id. */
export interface ConsolePreferencesTable {
  operator_id: string;
  lang: string;
  updated_at: string;
}

/** The admin's business calendar and policy (migration 017); one row, id 'current'. */
export interface BusinessSettingsTable {
  id: string;
  weekly_hours: string;
  /** JSON array of YYYY-MM-DD. */
  closed_dates: string;
  japanese_holidays: number;
  policy: string;
  version: number;
  updated_at: string;
  updated_by: string;
}

export interface JobsTable {
  id: string;
  kind: string;
  payload: string;
  run_at: string;
  state: string; // 'queued' | 'running' | 'done' | 'dead'
  attempts: number;
  max_attempts: number;
  locked_by: string | null;
  locked_until: string | null;
  last_error: string | null;
  dedupe_key: string | null;
  created_at: string;
  updated_at: string;
}

/** A running server process and its heartbeat (migration 018, src/calls/call-owners.ts). */
export interface ProcessesTable {
  /** hostname:pid:random, fresh per start. */
  id: string;
  started_at: string;
  /** Renewed every few seconds; older than the call lease means the process is gone. */
  heartbeat_at: string;
}

/** A check value of a server key (migration 024, src/security/key-check.ts): never the key itself. */
export interface KeyChecksTable {
  /** Which key: 'master'. */
  name: string;
  /** Hex HMAC-SHA256 of the scheme's label under the key. */
  check_value: string;
  /** How check_value was computed, e.g. 'hmac-sha256:aizuchi key check v1'. */
  scheme: string;
  created_at: string;
}

/** A dedupe key held by a job of an engine with its own tables (pg-boss); see migration 014. */
export interface JobKeysTable {
  dedupe_key: string;
  job_id: string;
  kind: string;
  created_at: string;
}

export interface MailMessagesTable {
  id: string;
  message_id: string | null;
  to_addr: string;
  from_addr: string;
  subject: string;
  text: string;
  html: string | null;
  received_at: string;
}

export interface VerificationCodesTable {
  id: string;
  case_id: string;
  account_id: string;
  code_hmac: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  invalidated_at: string | null;
  failed_attempts: number;
}

export interface CallsTable {
  id: string;
  case_id: string;
  channel: string;
  state: string; // 'pending' | 'active' | 'ended'
  token_hash: string | null;
  token_expires_at: string | null;
  started_at: string | null;
  ended_at: string | null;
  outcome: string | null;
  recording_path: string | null;
  recording_deleted_at: string | null;
  /** 1 when the dialer that placed the call rang the number itself (Dialer.provesPhonePossession). */
  proves_phone_possession: number;
  created_at: string;
  /** The carrier that carries the call ('twilio' | 'telnyx' | 'sip'); null for softphone and text calls. Migration 005. */
  carrier?: string | null;
  /** The carrier's own id for the leg (CallSid, call_control_id, SIP Call-ID); unique per carrier. */
  carrier_call_id?: string | null;
  /** How far the outbound-call job got: 'queued' | 'placing' | 'placed' | 'unknown' | 'failed' (telephony/carrier). */
  dial_state?: string | null;
  /** The furthest progress the carrier reported (CallProgress kind); progress never moves back. */
  carrier_progress?: string | null;
  /** The process (processes.id) whose session took the call when it connected; null before that. Migration 018. */
  owner_id?: string | null;
}

export interface TranscriptEntriesTable {
  id: Generated<number>;
  call_id: string;
  speaker: string;
  text: string;
  at: string;
}

/** The row behind a customer's "take the call in your browser" link; only the token's HMAC is kept. */
export interface SoftphoneLinksTable {
  token_hash: string;
  case_id: string;
  created_at: string;
  expires_at: string;
}

/** A used sign-in hand-off token id (hash of issuer and `jti`), kept until the token's own expiry. */
export interface HandoffSpentJtiTable {
  jti_hash: string;
  expires_at: string;
}

/** A console session opened through the company's OpenID Connect provider; only the token's HMAC is kept. */
export interface OperatorSsoSessionsTable {
  token_hash: string;
  issuer: string;
  subject: string;
  email: string | null;
  name: string | null;
  /** 'viewer' | 'operator' | 'admin', mapped from the provider's group claim at sign-in. */
  role: string;
  created_at: string;
  expires_at: string;
  /** Migration 015: as in `sessions`; auth_at is the provider's auth_time. */
  public_id: string | null;
  auth_at: string | null;
  last_seen_at: string | null;
  /** Migration 019: as in `sessions`. */
  user_agent?: string | null;
}

/** A local operator account's console role (migration 015); `updated_by` is the actor who set it. */
export interface ConsoleRolesTable {
  operator_id: string;
  role: string;
  updated_at: string;
  updated_by: string;
}

/** A case handed to a person (migration 011); open while `closed_at` is null, at most one open per case. */
export interface EscalationsTable {
  id: string;
  case_id: string;
  /** An EscalationReason (cases/escalations/reasons.ts). */
  reason: string;
  opened_at: string;
  /** The operator holding it (account id or SSO principal id); null when nobody has claimed it. */
  claimed_by: string | null;
  claimed_at: string | null;
  closed_at: string | null;
  /** The case event that closed it (e.g. 'operator_approved', 'escalation_closed'). */
  resolution: string | null;
}

/** An operator's note on an escalation (migration 011). Free text; the form refuses digit runs that look like codes. */
export interface EscalationNotesTable {
  id: string;
  escalation_id: string;
  case_id: string;
  operator_id: string;
  text: string;
  at: string;
}

/**
 * An operator's manual recovery of a case (migration 016; cases/escalations/manual-recovery.ts).
 * `checklist`: JSON array of the ticked ChecklistItemIds; `evidence`: JSON array of ManualEvidence.
 */
export interface ManualRecoveriesTable {
  id: string;
  case_id: string;
  escalation_id: string;
  account_id: string;
  /** The PolicyName in force when it was asked. */
  policy: string;
  /** 1 when the account was privileged (then a second operator decides). */
  privileged: number;
  checklist: string;
  evidence: string;
  /** The operator's note (checked like escalation notes: no codes, no full addresses). */
  note: string;
  /** The requesting operator's principal id (account id or `oidc:<sub>`). */
  requested_by: string;
  /** HMAC of the requester's email (keys.tokenHmac), to tell the same person under two sign-ins. */
  requester_person: string | null;
  requested_at: string;
  /**
   * 'pending' | 'approved' | 'rejected' | 'expired' | 'failed'; 'approved' also when no second operator
   * was needed; 'failed' when the approved reset could not finish (failure_reason says why).
   */
  state: string;
  /** Until when a pending request may be approved; null when none was needed. */
  expires_at: string | null;
  decided_by: string | null;
  decided_at: string | null;
  /** Why the state is 'failed' (ManualFailureReason in cases/escalations/manual-recovery-failure.ts); null otherwise. */
  failure_reason: string | null;
}

export interface Database {
  accounts: AccountsTable;
  sessions: SessionsTable;
  rate_events: RateEventsTable;
  cases: CasesTable;
  case_events: CaseEventsTable;
  jobs: JobsTable;
  job_keys: JobKeysTable;
  mail_messages: MailMessagesTable;
  verification_codes: VerificationCodesTable;
  calls: CallsTable;
  transcript_entries: TranscriptEntriesTable;
  softphone_links: SoftphoneLinksTable;
  console_preferences: ConsolePreferencesTable;
  console_roles: ConsoleRolesTable;
  recovery_locks: RecoveryLocksTable;
  handoff_spent_jti: HandoffSpentJtiTable;
  operator_sso_sessions: OperatorSsoSessionsTable;
  escalations: EscalationsTable;
  escalation_notes: EscalationNotesTable;
  processes: ProcessesTable;
  key_checks: KeyChecksTable;
  business_settings: BusinessSettingsTable;
  manual_recoveries: ManualRecoveriesTable;
}
