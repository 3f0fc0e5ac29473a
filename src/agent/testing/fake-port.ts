import type { AgentEventKind, CheckCodeResult, EventData, HostPort, ResetResult, SendCodeResult } from '../port';

export interface FakeAccount {
  email: string;
  code: string;
  phone?: string;
}

export interface FakePortOptions {
  account: FakeAccount;
  resetResult?: ResetResult;
  /** Sends allowed before 'limit_reached'. */
  maxSends?: number;
  /** Wrong entries before 'locked' (the real store allows 5 per code). */
  lockAfterWrong?: number;
  /** Codes count as expired after this many checks (to exercise 'expired'). */
  expireAfterChecks?: number;
  callbackAt?: Date | null;
  failOn?: keyof HostPort;
  /** Observes each recorded event as it happens (e.g. to mark when the right party was confirmed). */
  onRecord?: (kind: AgentEventKind, data: EventData) => void;
}

export interface FakePortCall {
  method: keyof HostPort;
  args: unknown[];
}

export interface FakePort extends HostPort {
  readonly calls: FakePortCall[];
  readonly events: Array<{ kind: AgentEventKind; data: EventData }>;
  /** resetMfa calls that returned 'reset' or 'cooling_off'. */
  resetSuccesses(): number;
  countOf(method: keyof HostPort): number;
}

/** A host port that answers like the real one would for one account, and records every call. */
export function createFakePort(options: FakePortOptions): FakePort {
  const calls: FakePortCall[] = [];
  const events: Array<{ kind: AgentEventKind; data: EventData }> = [];
  let sends = 0;
  let wrong = 0;
  let checks = 0;
  let resets = 0;
  let currentCode: string | null = null;
  const fail = (method: keyof HostPort) => {
    if (options.failOn === method) throw new Error('fake port failure');
  };
  return {
    calls,
    events,
    resetSuccesses: () => resets,
    countOf: (method) => calls.filter((c) => c.method === method).length,
    async checkEmail(email) {
      calls.push({ method: 'checkEmail', args: [email] });
      fail('checkEmail');
      return email.toLowerCase() === options.account.email.toLowerCase();
    },
    async sendCode(): Promise<SendCodeResult> {
      calls.push({ method: 'sendCode', args: [] });
      fail('sendCode');
      if (sends >= (options.maxSends ?? 3)) return 'limit_reached';
      sends += 1;
      currentCode = options.account.code;
      return 'sent';
    },
    async checkCode(digits): Promise<CheckCodeResult> {
      calls.push({ method: 'checkCode', args: [digits] });
      fail('checkCode');
      checks += 1;
      if (wrong >= (options.lockAfterWrong ?? 5)) return 'locked';
      if (options.expireAfterChecks !== undefined && checks > options.expireAfterChecks && sends < 2) return 'expired';
      if (currentCode !== null && digits === currentCode) {
        currentCode = null;
        return 'ok';
      }
      wrong += 1;
      return wrong >= (options.lockAfterWrong ?? 5) ? 'locked' : 'wrong';
    },
    async resetMfa(): Promise<ResetResult> {
      calls.push({ method: 'resetMfa', args: [] });
      fail('resetMfa');
      const result = options.resetResult ?? 'reset';
      if (result !== 'needs_person') resets += 1;
      return result;
    },
    async reschedule() {
      calls.push({ method: 'reschedule', args: [] });
      fail('reschedule');
      const at = options.callbackAt === undefined ? new Date('2021-06-08T01:00:00Z') : options.callbackAt;
      return at ? { at } : null;
    },
    async escalate(reason) {
      calls.push({ method: 'escalate', args: [reason] });
      fail('escalate');
    },
    recordEvent(kind, data) {
      calls.push({ method: 'recordEvent', args: [kind, data] });
      events.push({ kind, data });
      options.onRecord?.(kind, data);
    },
  };
}
