import { GLOBAL_INTENTS, type GlobalIntent } from '../understanding/intents';

/** Only meaningful before the right person is on the line. */
const GREETING_ONLY: ReadonlySet<GlobalIntent> = new Set(['not_available', 'what_about']);
const CODE_ONLY: ReadonlySet<GlobalIntent> = new Set(['resend_code']);

export const GREET_INTENTS: ReadonlySet<GlobalIntent> = new Set(GLOBAL_INTENTS.filter((i) => !CODE_ONLY.has(i)));
export const MIDCALL_INTENTS: ReadonlySet<GlobalIntent> = new Set(GLOBAL_INTENTS.filter((i) => !GREETING_ONLY.has(i) && !CODE_ONLY.has(i)));
export const CODE_INTENTS: ReadonlySet<GlobalIntent> = new Set(GLOBAL_INTENTS.filter((i) => !GREETING_ONLY.has(i)));
