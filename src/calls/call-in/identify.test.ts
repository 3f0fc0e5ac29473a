import { describe, expect, it } from 'vitest';
import type { CallChannel, CallerInput } from '../../channels/call-channel';
import type { Lang } from '../../domain/lang';
import { IDENTIFY_PROMPTS, type ReferenceVerdict, runIdentify } from './identify';

/** A CallChannel that records what the dialogue says and lets the test speak or key as the caller. */
function fakeChannel() {
  const said: string[] = [];
  const inputs: Array<(i: CallerInput) => void> = [];
  const closes: Array<() => void> = [];
  const channel: CallChannel = {
    onInput: (l) => void inputs.push(l),
    onClose: (l) => void closes.push(l),
    agentSays: (text) => void said.push(text),
    listening: () => undefined,
    end: () => undefined,
    close: () => undefined,
  };
  return {
    channel,
    said,
    send: (input: CallerInput) => inputs.forEach((l) => l(input)),
    lost: () => closes.forEach((l) => l()),
  };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

function start(lang: Lang, verdicts: (ref: string) => ReferenceVerdict) {
  const line = fakeChannel();
  const checked: string[] = [];
  const result = runIdentify({
    channel: line.channel,
    lang,
    companyName: 'Example',
    silenceMs: 60_000,
    check: async (ref) => {
      checked.push(ref);
      return verdicts(ref);
    },
  });
  return { ...line, checked, result };
}

describe('the identify dialogue of a call that came in (issue 8 §5)', () => {
  it('discloses the AI, takes a keyed reference (with or without #) and a said one, in both languages', async () => {
    const keyed = start('ja', () => 'matched');
    expect(keyed.said).toEqual([IDENTIFY_PROMPTS.ja.intro('Example'), IDENTIFY_PROMPTS.ja.ask]);
    expect(keyed.said[0]).toContain('AIエージェント');
    keyed.send({ type: 'dtmf', digits: '4829' });
    keyed.send({ type: 'dtmf', digits: '13' });
    expect(await keyed.result).toEqual({ kind: 'matched', reference: '482913' });
    expect(keyed.checked).toEqual(['482913']);

    const spoken = start('en', () => 'matched');
    expect(spoken.said[0]).toContain('automated AI agent');
    spoken.send({ type: 'utterance', text: 'four eight two', isFinal: true });
    spoken.send({ type: 'utterance', text: 'nine one three', isFinal: true });
    expect(await spoken.result).toEqual({ kind: 'matched', reference: '482913' });

    const ja = start('ja', () => 'matched');
    ja.send({ type: 'utterance', text: 'よん はち に きゅう いち さん です', isFinal: true });
    expect(await ja.result).toEqual({ kind: 'matched', reference: '482913' });
  });

  it('wrong three times: the same words each time, then the end, never naming a number or which part was wrong', async () => {
    const d = start('en', () => 'no_match');
    for (const ref of ['111111', '222222', '333333']) {
      d.send({ type: 'dtmf', digits: ref });
      await tick();
    }
    expect(await d.result).toEqual({ kind: 'failed', why: 'attempts' });
    const p = IDENTIFY_PROMPTS.en;
    expect(d.said).toEqual([p.intro('Example'), p.ask, p.again, p.again, p.failed]);
    for (const text of d.said) expect(text).not.toMatch(/[0-9]{2,}|phone number|caller/i);
  });

  it('a lock-out ends with the very words of three misses, and a short entry ended with # counts as a miss', async () => {
    const d = start('ja', (ref) => (ref === '482913' ? 'locked' : 'no_match'));
    d.send({ type: 'dtmf', digits: '48#' });
    await tick();
    expect(d.checked).toEqual([]); // too short to look up, but it was an attempt
    d.send({ type: 'dtmf', digits: '482913' });
    expect(await d.result).toEqual({ kind: 'failed', why: 'locked' });
    expect(d.said.at(-1)).toBe(IDENTIFY_PROMPTS.ja.failed);
  });

  it('the caller hanging up ends it without a lookup', async () => {
    const d = start('ja', () => 'matched');
    d.send({ type: 'dtmf', digits: '482' });
    d.send({ type: 'hangup' });
    expect(await d.result).toEqual({ kind: 'hangup' });
    const lost = start('ja', () => 'matched');
    lost.lost();
    expect(await lost.result).toEqual({ kind: 'hangup' });
    expect([...d.checked, ...lost.checked]).toEqual([]);
  });
});
