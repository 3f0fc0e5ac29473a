import type { CallChannel, CallerInput } from '../../channels/call-channel';
import type { Lang } from '../../domain/lang';
import { readDigits } from '../../agent/understanding/digits';

/** Digits in a case reference (cases/case-service.ts draws 100000–999999). */
export const REFERENCE_LENGTH = 6;

/** What the call-in service says about one reference the caller gave. */
export type ReferenceVerdict = 'matched' | 'no_match' | 'locked';

/** How the identify dialogue ended: a matched reference, too many misses or a lock-out, or the caller hung up. */
export type IdentifyResult =
  { kind: 'matched'; reference: string } | { kind: 'failed'; why: 'attempts' | 'locked' | 'silence' } | { kind: 'hangup' };

export interface IdentifyOptions {
  readonly channel: CallChannel;
  readonly lang: Lang;
  readonly companyName: string;
  /** Checks one complete reference (rate limits included); called at most `maxAttempts` times. */
  check(reference: string): Promise<ReferenceVerdict>;
  /** References tried on this call before it ends (default 3). */
  readonly maxAttempts?: number;
  /** Quiet after a question before asking again, in ms (default 12 000); the third silence ends the call. */
  readonly silenceMs?: number;
}

/**
 * What the identify dialogue says. Wrong reference, unknown caller and lock-out are answered with
 * the same words (SECURITY.md: never say which part was wrong), and nothing names the case.
 */
export const IDENTIFY_PROMPTS: Record<
  Lang,
  { intro: (company: string) => string; ask: string; again: string; failed: string; matched: string; person: string }
> = {
  ja: {
    intro: (company) =>
      `お電話ありがとうございます。${company}のサポート窓口、自動音声のAIエージェントです。ここまでの通話は録音しておりません。`,
    ask: 'メールでお知らせした、6桁の受付番号を、キーパッドで入力するか、おっしゃってください。',
    again: '申し訳ありません、確認できませんでした。もう一度、6桁の受付番号をお願いします。',
    failed:
      '申し訳ありません、お電話ではお手続きを確認できませんでした。お手数ですが、ウェブサイトから改めてお申し込みください。失礼いたします。',
    matched: 'ありがとうございます。',
    person: 'ありがとうございます。このお電話ではお手続きを進められないため、担当者から改めてご連絡いたします。失礼いたします。',
  },
  en: {
    intro: (company) => `Thank you for calling ${company} support. This is an automated AI agent. This part of the call is not recorded.`,
    ask: 'Please key in or say the 6-digit reference number from our email.',
    again: "I'm sorry, I couldn't confirm that. Please give the 6-digit reference number once more.",
    failed: "I'm sorry, I couldn't confirm your request on this call. Please make a new request on our website. Goodbye.",
    matched: 'Thank you.',
    person: "Thank you. I can't complete this on this call, so a member of our team will contact you. Goodbye.",
  },
};

/**
 * The identify step of a call that came in (issue 8 §5), before the case is known: the AI
 * disclosure, then the case's 6-digit reference keyed (DTMF, `#` optional) or said (ja/en digit
 * reading, agent/understanding/digits.ts), checked with `check` up to `maxAttempts` times. It
 * writes nothing itself, so a crash here leaves every case as it was. It does not end the call:
 * on `matched` the caller speaks next to the agent; otherwise the caller has heard `failed` and the
 * service closes the line. Resolves once, on the first of those.
 */
export function runIdentify(opts: IdentifyOptions): Promise<IdentifyResult> {
  const { channel, lang } = opts;
  const words = IDENTIFY_PROMPTS[lang];
  const maxAttempts = opts.maxAttempts ?? 3;
  return new Promise<IdentifyResult>((resolve) => {
    let done = false;
    let checking = false;
    let attempts = 0;
    let silences = 0;
    let keyed = '';
    let said: string[] = [];
    let timer: ReturnType<typeof setTimeout> | null = null;

    const finish = (result: IdentifyResult) => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      if (result.kind === 'failed') channel.agentSays(words.failed, 'prompt');
      resolve(result);
    };
    const ask = (text: string) => {
      channel.agentSays(text, 'prompt');
      channel.listening('free');
      armSilence();
    };
    const armSilence = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        if (done || checking) return;
        silences++;
        if (silences >= 3) return finish({ kind: 'failed', why: 'silence' });
        ask(words.ask);
      }, opts.silenceMs ?? 12_000);
      timer.unref?.();
    };
    const submit = async (reference: string | null) => {
      keyed = '';
      said = [];
      checking = true;
      attempts++;
      const verdict = reference === null ? 'no_match' : await opts.check(reference).catch(() => 'no_match' as const);
      checking = false;
      if (done) return;
      if (verdict === 'matched' && reference !== null) {
        channel.agentSays(words.matched, 'prompt');
        return finish({ kind: 'matched', reference });
      }
      if (verdict === 'locked') return finish({ kind: 'failed', why: 'locked' });
      if (attempts >= maxAttempts) return finish({ kind: 'failed', why: 'attempts' });
      ask(words.again);
    };

    const onInput = (input: CallerInput) => {
      if (done || checking) return;
      if (input.type === 'hangup') return finish({ kind: 'hangup' });
      if (input.type === 'dtmf') {
        silences = 0;
        for (const key of input.digits) {
          if (key === '#' || key === '*') {
            // `#` ends an entry; a short one counts as a wrong reference, `*` starts over.
            if (key === '#' && keyed.length > 0) return void submit(null);
            keyed = '';
            continue;
          }
          keyed += key;
          if (keyed.length === REFERENCE_LENGTH) return void submit(keyed);
        }
        armSilence();
        return;
      }
      if (input.type === 'utterance' && input.isFinal && input.text.trim() !== '') {
        silences = 0;
        said.push(input.text);
        const reading = readDigits(said, lang, REFERENCE_LENGTH);
        if (reading.complete) return void submit(reading.digits);
        if (reading.digits.length > REFERENCE_LENGTH) return void submit(null);
        armSilence();
      }
    };
    channel.onInput(onInput);
    channel.onClose(() => finish({ kind: 'hangup' }));
    channel.agentSays(words.intro(opts.companyName), 'prompt');
    ask(words.ask);
  });
}
