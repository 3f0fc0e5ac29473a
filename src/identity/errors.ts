import { AizuchiError } from '../domain/errors';
/** Which input of createAccount was refused. */
export type AccountField = 'email' | 'password' | 'name' | 'nameKana' | 'nameLatin' | 'phone' | 'lang' | 'role';

export class AccountInputError extends AizuchiError {
  constructor(
    readonly field: AccountField,
    message: string,
  ) {
    super(message, { code: 'account_input' });
  }
}

export class DuplicateEmailError extends AizuchiError {
  constructor() {
    super('an account with this email already exists', { code: 'duplicate_email' });
  }
}

export class AccountNotFoundError extends AizuchiError {
  constructor() {
    super('account not found', { code: 'account_not_found' });
  }
}

/** Enrolment of a new factor is frozen on the account until an operator lifts it. */
export class EnrollmentFrozenError extends AizuchiError {
  constructor() {
    super('enrolment of a new factor is frozen on this account; an operator must review it first', { code: 'enrollment_frozen' });
  }
}

/** The pending enrolment was missing, altered, for another account, or too old. */
export class EnrollmentExpiredError extends AizuchiError {
  constructor() {
    super('the MFA enrolment expired; start again', { code: 'enrollment_expired' });
  }
}
