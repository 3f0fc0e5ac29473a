import { CODE_RULES, type CodeRules, hmacsEqual } from './code-rules';

/** The stored code as the rules see it (times as Dates). */
export interface StoredCode {
  hmac: string;
  expiresAt: Date;
  usedAt: Date | null;
  invalidatedAt: Date | null;
  failedAttempts: number;
}

export type CheckVerdict =
  /** Matches: mark used. */
  | { result: 'ok' }
  /** Wrong entry: count it; `invalidate` when it was the code's last allowed wrong entry. */
  | { result: 'wrong'; invalidate: boolean; lockAccount: boolean }
  /** No live code (expired, used, replaced): nothing to count. */
  | { result: 'expired' }
  /** The account is locked after too many failures. */
  | { result: 'locked'; lockAccount: boolean };

export interface CheckInput {
  code: StoredCode | null;
  enteredHmac: string | null;
  now: Date;
  /** Failed entries on this account in the failure window, before this one. */
  accountFailures: number;
  /** A lock recorded on the account within the lock period. */
  accountLocked: boolean;
  rules?: CodeRules;
}

/**
 * Decides what one code entry means. Pure: the caller loads the facts and applies the verdict in
 * one transaction. Order matters: a locked account is refused before anything is compared, and a
 * dead code is "expired" so the agent offers a new one instead of counting a failure.
 */
export function checkEntry(input: CheckInput): CheckVerdict {
  const rules = input.rules ?? CODE_RULES;
  if (input.accountLocked || input.accountFailures >= rules.maxFailuresPerAccount) {
    return { result: 'locked', lockAccount: !input.accountLocked };
  }
  const code = input.code;
  if (!code || code.usedAt || code.invalidatedAt || code.failedAttempts >= rules.maxWrongPerCode) return { result: 'expired' };
  if (input.now.getTime() >= code.expiresAt.getTime()) return { result: 'expired' };
  if (input.enteredHmac !== null && hmacsEqual(code.hmac, input.enteredHmac)) return { result: 'ok' };
  const failures = input.accountFailures + 1;
  if (failures >= rules.maxFailuresPerAccount) return { result: 'locked', lockAccount: true };
  return { result: 'wrong', invalidate: code.failedAttempts + 1 >= rules.maxWrongPerCode, lockAccount: false };
}

export interface SendInput {
  sendsForRequest: number;
  sendsForAccountInWindow: number;
  rules?: CodeRules;
}

/** At most 3 sends per request and 5 per account per 24 h. */
export function maySend(input: SendInput): boolean {
  const rules = input.rules ?? CODE_RULES;
  return input.sendsForRequest < rules.maxSendsPerRequest && input.sendsForAccountInWindow < rules.maxSendsPerAccount;
}

export function expiryFor(sentAt: Date, rules: CodeRules = CODE_RULES): Date {
  return new Date(sentAt.getTime() + rules.validMs);
}
