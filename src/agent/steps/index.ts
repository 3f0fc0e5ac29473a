import type { Step } from '../step';
import type { StepName } from '../types';
import { createCloseStep } from './close';
import { createCodeStep } from './code';
import { createConsentStep } from './consent';
import { createEmailStep } from './email';
import { createGreetStep } from './greet';
import { createResetStep } from './reset';
import { createSendCodeStep } from './send-code';

/** Fresh step objects for one call (each keeps its own state). */
export function createSteps(): Record<StepName, Step> {
  return {
    greet: createGreetStep(),
    consent: createConsentStep(),
    email: createEmailStep(),
    send_code: createSendCodeStep(),
    code: createCodeStep(),
    reset: createResetStep(),
    close: createCloseStep(),
  };
}

export { createCloseStep, createCodeStep, createConsentStep, createEmailStep, createGreetStep, createResetStep, createSendCodeStep };
