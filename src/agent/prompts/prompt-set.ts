/**
 * Everything the agent says, per language. Texts never contain the code, the spelled email or anything
 * else on file, and no customer datum at all: the right-party question asks for the customer in person
 * without a name (issue 7, finding 6).
 * Until the right person is confirmed, nothing mentions the account or the reason for the call.
 */
export interface GreetingFacts {
  companyName: string;
  agentName: string;
  /** Never spoken: the greeting must not name the customer before they confirm who they are. */
  customerName?: string;
  /**
   * The name as the call's language says it (spokenName): used only once the right person confirmed,
   * in the thanks before the reason for the call. Absent: no name is said.
   */
  spokenName?: string | null;
  /** The request was made on an earlier day than the call (CallContext.requestedEarlierDay). */
  requestedEarlierDay?: boolean;
  /** Recording was refused on the request form: say it is not recorded, never that it is, and don't ask. */
  recordingRefused?: boolean;
}

export interface PromptSet {
  /** First turn: company, automated AI agent, recording and why, how to reach a person, right-party question. */
  greeting(f: GreetingFacts): string;
  rightPartyQuestion(f: GreetingFacts): string;
  /** "What is this about?" before confirmation: only the person themselves may hear it. */
  purposeWithheld(f: GreetingFacts): string;
  /** Said once the right person is confirmed: the reason, then the recording question (only the reason when refused on the form). */
  purposeAndConsent(f: GreetingFacts): string;
  consentQuestion: string;
  consentThanks: string;
  recordingStopped: string;
  askEmail: string;
  emailGoOn: string;
  emailSpellDomain: string;
  emailStartOver: string;
  /** Same words whether the address was wrong or unknown. */
  emailNotVerified: string;
  emailFailed: string;
  emailVerified: string;
  codeSent(codeLength: number, keypadOnly: boolean): string;
  codeAsk(codeLength: number, keypadOnly: boolean): string;
  codeKeypadOnly: string;
  codeWrongLength(codeLength: number): string;
  /**
   * A recogniser-formatted part ("5:06": 5,6 or 5,0,6?) that the code length could not decide (issue 9):
   * names where it was by the count of digits before it, never by its digits, and asks for the code again.
   */
  codeUnclearPart(digitsBefore: number): string;
  codeWrong(codeLength: number): string;
  codeFailed: string;
  codeExpiredResent: string;
  codeResent: string;
  codeResendLimit: string;
  codeLocked: string;
  codeSendLimit: string;
  codeVerified: string;
  /** Closing after the reset: sign in with email + password, enrol a new device, agent name, goodbye. */
  closeAfterReset(agentName: string): string;
  closeCoolingOff(agentName: string): string;
  needsPerson: string;
  handOver: string;
  /** Asked for a person while one is free (issue 10, live transfer): put through, please hold. */
  transferring: string;
  /** Asked for a person when nobody can take the call now: when a person will call back, and that a mail follows. */
  handOverAt(when: string): string;
  callbackAt(when: string): string;
  callbackUnscheduled: string;
  formatCallbackTime(at: Date, timeZone: string): string;
  cancelled(confirmed: boolean): string;
  notRequested: string;
  wrongPerson: string;
  notAvailable: string;
  thirdParty: string;
  /** Honest answer to "are you a human?", with the offer of a person. */
  humanQuestion: string;
  disclosureRefused: string;
  contactChangeRefused: string;
  waitAck: string;
  waitCheckBack: string;
  waitGiveUp: string;
  notUnderstood: string;
  noInput: string;
  goodbyeNoInput: string;
  goodbyeUnclear: string;
  systemError: string;
  /** Aizuchi, rotated while the caller spells or reads digits. */
  backchannels: readonly string[];
}
