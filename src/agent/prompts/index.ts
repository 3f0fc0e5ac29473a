import type { Lang } from '../../domain/lang';
import { EN_PROMPTS } from './en';
import { JA_PROMPTS } from './ja';
import type { PromptSet } from './prompt-set';

export type { PromptSet, GreetingFacts } from './prompt-set';

const PROMPTS: Record<Lang, PromptSet> = { ja: JA_PROMPTS, en: EN_PROMPTS };

export function promptsFor(lang: Lang): PromptSet {
  return PROMPTS[lang];
}
