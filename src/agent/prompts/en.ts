import type { PromptSet } from './prompt-set';

export const EN_PROMPTS: PromptSet = {
  greeting: (f) =>
    `Hello, this is ${f.agentName}, an automated AI agent calling from ${f.companyName} support. ` +
    (f.recordingRefused
      ? `As you asked on your request, this call is not recorded. `
      : `This call is recorded to improve our service and to keep a record of your request. `) +
    `If you would like to speak with a person at any time, just say "person". ` +
    enRightParty(f.companyName),
  rightPartyQuestion: (f) => enRightParty(f.companyName),
  purposeWithheld: (f) =>
    `I'm sorry, I can only discuss the reason for my call with the person I'm calling. ${enRightParty(f.companyName)}`,
  purposeAndConsent: (f) =>
    `Thank you${f.spokenName ? `, ${f.spokenName}` : ''}. I'm calling about your recent request to remove multi-factor authentication, MFA, from your ${f.companyName} account.` +
    (f.recordingRefused ? '' : ` This call is recorded to improve our service. Is that all right with you?`),
  consentQuestion: 'May I record this call?',
  consentThanks: 'Thank you.',
  recordingStopped: "Understood. I've stopped the recording, and we can continue.",
  askEmail: "Let's get started. Could you spell the email address on your account for me, one letter at a time?",
  emailGoOn: 'Please go on.',
  emailSpellDomain: 'Sorry, could you spell the part after the at sign for me too, one letter at a time?',
  emailStartOver: "Sorry, I didn't quite get that. Could you spell it again from the beginning, one letter at a time?",
  emailNotVerified: "I'm sorry, I couldn't verify that. Could you spell it once more from the beginning, one letter at a time?",
  emailFailed:
    "I'm sorry, I couldn't complete the check over the phone, so I'll stop here and we'll be in touch about next steps. Goodbye.",
  emailVerified: 'Thank you, that is verified.',
  codeSent: (n, keypadOnly) => `I've just sent an email with ${article(n)} ${n}-digit number to that address. ` + enCodeAsk(n, keypadOnly),
  codeAsk: (n, keypadOnly) => enCodeAsk(n, keypadOnly),
  codeKeypadOnly: 'For your security, please type the number on your phone keypad instead of saying it, then press the pound key.',
  codeUnclearPart: (k) =>
    `I couldn't make out ${k === 0 ? 'the first digits' : `the digits after the ${ORDINALS[k] ?? `${k}th`} one`}. ` +
    'Could you say the number again from the start, one digit at a time?',
  codeWrongLength: (n) => `The number has ${n} digits. Please enter it again from the beginning.`,
  codeWrong: (n) => `That number didn't work. Please try the ${n}-digit number again.`,
  codeFailed: "I'm sorry, I couldn't verify the number. For your security I have to stop here. Goodbye.",
  codeExpiredResent: "That number had expired, so I've sent you a new one. Please use the number in the newest email.",
  codeResent: "I've sent a new number. Please use the one in the newest email.",
  codeResendLimit: "I'm sorry, I can't send another number.",
  codeLocked: "For your security, checks by number are paused. I'm passing this to a person, and we'll contact you again. Goodbye.",
  codeSendLimit: "I'm sorry, I can't send a number right now. I'm passing this to a person, and we'll contact you again.",
  codeVerified: 'Thank you, that number is verified.',
  closeAfterReset: (agent) =>
    `I've removed MFA from your account. Please sign in with your email address and the password you set before, ` +
    `and you'll be asked to register a new authentication device. We've emailed a notice to every address on the account; ` +
    `if anything looks wrong, use the link in that email. This was ${agent}. Thank you, and goodbye.`,
  closeCoolingOff: (agent) =>
    `You're verified. For your security, MFA will be removed after a waiting period, and we'll email you when it's done. ` +
    `If you sign in normally before then, the request is cancelled. Afterwards, sign in with your email and your password, ` +
    `and register a new device. This was ${agent}. Thank you, and goodbye.`,
  needsPerson: "You're verified, but a person needs to complete the last step. I'm passing this on, and we'll contact you again.",
  handOver:
    "Of course. I'm passing your request to a person. Someone from our team will contact you during business hours, and we'll email you the details.",
  transferring: "Of course. I'm putting you through to a member of our team. Please stay on the line.",
  handOverAt: (when) =>
    `Of course. I'm passing your request to a person. Someone from our team will contact you around ${when}, and we'll email you the details.`,
  callbackAt: (when) => `No problem. I'll call you again around ${when}. Goodbye.`,
  callbackUnscheduled: "No problem. We'll contact you again. Goodbye.",
  formatCallbackTime: (at, timeZone) =>
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'long',
      month: 'long',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
    }).format(at),
  cancelled: (confirmed) => (confirmed ? "Understood. I've cancelled the request. Goodbye." : 'Understood. Goodbye.'),
  notRequested: "Understood. I've cancelled this request and passed it to our team to look into. Thank you for telling us. Goodbye.",
  wrongPerson: "I'm sorry for the trouble. Goodbye.",
  notAvailable: "Understood. I'll call again another time. Goodbye.",
  thirdParty: "I'm sorry, I can only go through this with the person themselves. They're welcome to contact us directly. Goodbye.",
  humanQuestion: "No, I'm not a human. I'm an automated AI agent. If you'd like to speak with a person, just say \"person\".",
  disclosureRefused: "For your security, I can't read out any details we hold.",
  contactChangeRefused:
    "I can't change contact details over the phone. For your security, I'm passing this to a person, and we'll contact you again.",
  waitAck: 'Of course, take your time. I will wait.',
  waitCheckBack: "How's it going? Just let me know when you're ready.",
  waitGiveUp: "It seems now isn't a good time, so we'll contact you again. Goodbye.",
  notUnderstood: "Sorry, I didn't catch that.",
  noInput: 'Hello, are you still there?',
  goodbyeNoInput: "I can't hear you, so we'll contact you again. Goodbye.",
  goodbyeUnclear: "I'm having trouble understanding, so we'll contact you again. Goodbye.",
  systemError: "I'm sorry, something went wrong on our side. A person will contact you again. Goodbye.",
  backchannels: ['okay', 'mm-hm', 'yes', 'got it'],
};

/**
 * No name before the callee confirms who they are (issue 7, finding 6): a name tells whoever answers who
 * holds an account, and a family name is shared by the household, so "yes, Inomata speaking" from a spouse
 * would be true. We ask for the customer in person instead; only a first-person answer counts.
 */
function enRightParty(companyName: string): string {
  return `Am I speaking, in person, with the ${companyName} customer I'm calling for?`;
}

function enCodeAsk(n: number, keypadOnly: boolean): string {
  return keypadOnly
    ? `Please type the ${n}-digit number from the email on your phone keypad, then press the pound key.`
    : `Please read me the ${n}-digit number from the email, or type it on your phone keypad.`;
}

/** "an 8-digit number", "a 6-digit number". */
const ORDINALS = ['', 'first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth'];

function article(n: number): string {
  return /^(8|11|18)$/.test(String(n)) || String(n).startsWith('8') ? 'an' : 'a';
}
