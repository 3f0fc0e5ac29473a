/** Which input of createAccount was refused. */
export type AccountField = 'email' | 'password' | 'name' | 'phone' | 'lang' | 'role';

export class AccountInputError extends Error {
  constructor(
    readonly field: AccountField,
    message: string,
  ) {
    super(message);
    this.name = 'AccountInputError';
  }
}

export class DuplicateEmailError extends Error {
  constructor() {
    super('an account with this email already exists');
    this.name = 'DuplicateEmailError';
  }
}

export class AccountNotFoundError extends Error {
  constructor() {
    super('account not found');
    this.name = 'AccountNotFoundError';
  }
}

/** Enrolment of a new factor is frozen on the account until an operator lifts it. */
export class EnrollmentFrozenError extends Error {
  constructor() {
    super('enrolment of a new factor is frozen on this account; an operator must review it first');
    this.name = 'EnrollmentFrozenError';
  }
}

/** The pending enrolment was missing, altered, for another account, or too old. */
export class EnrollmentExpiredError extends Error {
  constructor() {
    super('the MFA enrolment expired; start again');
    this.name = 'EnrollmentExpiredError';
  }
}
