import { expect } from 'vitest';
import type { ConsoleRole } from '../../../src/domain/console-roles';
import type { CreateAccountInput } from '../../../src/identity/account-input';
import type { ManualClock } from './clocks';
import { InjectBrowser } from './inject-browser';
import type { TestServer } from './test-server';

/** Every local console operator's password in these tests. */
export const OPERATOR_PASSWORD = 'operator password';

/** A local console operator: account id, email and the otpauth:// URI of its enrolled TOTP. */
export interface ConsoleOperator {
  id: string;
  email: string;
  password: string;
  uri: string;
}

/**
 * Creates a local console operator (password OPERATOR_PASSWORD, TOTP enrolled, as operators cannot
 * sign in without MFA) and, when `role` is given, stores that console role (by actor `test`, one
 * `operator_role_changed` event). Without `role` the operator keeps the default local role.
 */
export async function addOperator(t: TestServer, o: { email: string; name: string; role?: ConsoleRole }): Promise<ConsoleOperator> {
  const created = await t.services.identity.createAccount({
    email: o.email,
    password: OPERATOR_PASSWORD,
    name: o.name,
    phone: '03-1234-5678',
    role: 'operator',
    mfa: true,
  });
  if (o.role) await t.services.operatorRoles.setRole(created.account.id, o.role, 'test');
  return { id: created.account.id, email: o.email, password: OPERATOR_PASSWORD, uri: created.otpauthUri! };
}

/**
 * The console's people for one test server: operators by short name (`ann`, email
 * `ann-<tag>@example.com`), each sign-in a new InjectBrowser from its own address
 * (`192.0.2.<firstAddress>`, then the next) with password + TOTP. Each sign-in first moves the
 * manual clock 31 s (one TOTP step), so no code is replayed.
 */
export class ConsolePeople {
  private readonly people = new Map<string, ConsoleOperator>();
  private address: number;

  constructor(
    private readonly t: TestServer,
    private readonly clock: ManualClock,
    private readonly o: { tag: string; firstAddress: number },
  ) {
    this.address = o.firstAddress;
  }

  /** Adds the operators with their roles, in order. */
  async add(roles: Array<[string, ConsoleRole]>): Promise<this> {
    for (const [who, role] of roles) this.people.set(who, await addOperator(this.t, { email: this.emailOf(who), name: who, role }));
    return this;
  }

  emailOf(who: string): string {
    return `${who}-${this.o.tag}@example.com`;
  }

  /** The operator added as `who`; throws for an unknown name. */
  get(who: string): ConsoleOperator {
    const person = this.people.get(who);
    if (!person) throw new Error(`no console operator '${who}'`);
    return person;
  }

  /** A new browser signed in as `who`; asserts the sign-in lands on the console. */
  async signIn(who: string, userAgent?: string): Promise<InjectBrowser> {
    this.clock.set(new Date(this.clock.now().getTime() + 31_000));
    const b = new InjectBrowser(this.t.server.app, `192.0.2.${this.address++}`, userAgent);
    const person = this.get(who);
    const res = await b.signInWithTotp(person.email, person.password, person.uri, this.clock.now());
    expect(res.headers.location).toBe('/console?lang=en');
    return b;
  }
}

/**
 * A customer account (password `correct horse battery`) and a recovery request for it through the
 * public API (`POST /api/v1/recovery-requests` from `remoteAddress`, with consent; 202 asserted).
 * The request's email and phone default to the account's: a phone other than the one on record
 * makes the case wait for a person (escalated). Returns the case id (found by the request's email)
 * and the account id.
 */
export async function openRecoveryCase(
  t: TestServer,
  account: Omit<CreateAccountInput, 'password'>,
  request: { remoteAddress: string; lang: 'ja' | 'en'; email?: string; phone?: string },
): Promise<{ caseId: string; accountId: string }> {
  const created = await t.services.identity.createAccount({ ...account, password: 'correct horse battery' });
  const email = request.email ?? account.email;
  const res = await t.server.app.inject({
    method: 'POST',
    url: '/api/v1/recovery-requests',
    remoteAddress: request.remoteAddress,
    payload: { email, phone: request.phone ?? account.phone, lang: request.lang, consent: true },
  });
  expect(res.statusCode).toBe(202);
  return { caseId: (await t.services.cases.list({ email }))[0]!.id, accountId: created.account.id };
}
