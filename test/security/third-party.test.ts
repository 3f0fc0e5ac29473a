import { describe, expect, it } from 'vitest';
import { createHarness, STORY_CONTEXT_EN, STORY_CONTEXT_JA } from '../../src/agent/testing/call-harness';
import { createIntentReader } from '../../src/agent/understanding/intents';

/**
 * Issue 7, finding 6: third parties passed the right-party check because yes/no came from substring cues
 * ("This is his wife speaking" → "speaking" → yes). The kind: anyone speaking for or about the customer,
 * in either language and any politeness level or script, ends as wrong_person — never a yes, never a
 * callback arranged by them, never a reset.
 */

const THIRD_PARTY_JA = [
  'はい、家内です',
  'はい、かないです',
  'ええ、妻です',
  'はい、つまです',
  '家内でございます',
  '夫ですが',
  'はい、主人は今出かけております',
  'しゅじんがいま会議中でして',
  '旦那は仕事中です',
  'だんなに代わって聞きます',
  '奥さんは留守です',
  '女房が申し込んだやつですね',
  '嫁です',
  'はい、秘書の者です。どうぞ',
  'ひしょです',
  '部下の田中と申します',
  '上司に頼まれて電話に出ています',
  '同僚です。代わりに伺います',
  '代理の者です',
  'だいりでお話を伺います',
  '家族の者ですが、私が聞きます',
  'かぞくです',
  '母です、娘の件ですよね',
  'おかあさんです',
  '父ですが、息子に代わって聞きます',
  'むすこの携帯です',
  '姉が出ております',
  '妹です',
  '祖母です',
  '本人は今いませんが、私が代わりにやります',
  '本人に頼まれております',
  '本人から言われて電話に出ています',
  '彼女の件ですよね、どうぞ',
  'はい、猪股の家内です',
  '弁護士の者です',
  '介護をしている者です',
  'うちの人の代わりです',
  '義母です、嫁の代わりに出ました',
  'はい、家政婦の者です',
  'いとこですけど、聞いておきます',
  '甥です',
  'はい、妻でございます。主人から伺っております',
  '主人は留守にしております',
  '社長は席を外しておりますので、秘書の私が承ります',
];

const THIRD_PARTY_EN = [
  'This is his wife speaking',
  "Yes, I'm his wife",
  "Alex's assistant here, go ahead",
  "I'm calling for the account owner, he's in a meeting, just reset it",
  "I'm calling on behalf of my boss",
  'Speaking on behalf of Mr. Inomata',
  'Yes, this is her husband',
  "I'm her secretary, go ahead",
  "I'm his colleague, he asked me to take care of this",
  'His mom here, he is at school',
  'Yeah, this is his dad',
  "It's his daughter, go ahead",
  "I'm the account holder's partner",
  'Yes, I handle his accounts',
  'He asked me to answer for him',
  "She's busy, I'm her personal assistant",
  'Family member speaking, go on',
  'Yes, this is the family of the customer',
  "I'm answering for the customer",
  'Yes, this is the receptionist',
  'I am his lawyer, you can tell me',
  "I'm doing this for my grandmother",
  'Yes, she is here, go ahead',
  "Sure, he's here, continue",
  "I'm his PA, you can go ahead",
  "Yes, I'm the office manager, tell me",
  "It's for my mother, she doesn't use the phone",
  "I'm her carer, I do everything for her",
  'Yes, his mother-in-law speaking',
  "I'm acting on her behalf",
  'Good afternoon, Mrs. Inomata is unavailable, this is her housekeeper',
];

const FIRST_PERSON_JA = [
  'はい',
  'はい、そうです',
  'あ、そうです～～猪股です。',
  'はい、本人です',
  'ええ、私です',
  '本人でございます',
  'さようでございます',
  'はい、間違いありません',
  'うん、僕です',
];
const FIRST_PERSON_EN = [
  'yes',
  'Yes, speaking.',
  "Yes, that's me",
  'This is she',
  'This is he',
  'Yep, it is',
  'Correct',
  "Yes, I'm the customer",
  'Yes it is me',
  // Words near the third-party cues that are still the callee speaking for themselves.
  'Yes, my family name is Inomata',
  "Yes, I'm speaking for myself",
  "Yes, they told me you'd call",
  "Yes, I'm here",
];

// Red team round 2: roles no list named. A yes followed by "I'm the <role>" / 「はい、<role>です」 was read as the
// callee confirming (the "はい" or "I'm the" cue won), so the kind is any self-description as someone
// other than the customer, not a longer list of nouns.
const UNLISTED_ROLES_EN = [
  "Yes, I'm the admin for this account",
  "I'm the butler",
  'This is the front desk',
  "Yes, I'm the driver, go ahead",
  "Yes, I'm a paralegal at his firm",
  "Yes, it's the concierge",
  "I'm the nurse looking after him",
];
const UNLISTED_ROLES_JA = [
  'はい、管理者です',
  'はい、配偶者です',
  'はい、連れ合いです',
  'はい、家の者です',
  'はい、マネージャーです',
  'はい、付き人です',
  '情シスの者です',
  '総務の者ですが',
  '同居人です',
  'ルームメイトです',
  'ばあちゃんです',
  'はい、運転手です',
  'はい、担当の者です',
  'はい、社員です',
];

describe('right-party answers, every phrasing of a third party (both languages)', () => {
  const ja = createIntentReader('ja');
  const en = createIntentReader('en');

  it.each(THIRD_PARTY_JA)('ja: %s → other', (text) => {
    expect(ja.readRightParty(text)).toBe('other');
  });
  it.each(THIRD_PARTY_EN)('en: %s → other', (text) => {
    expect(en.readRightParty(text)).toBe('other');
  });
  it.each(UNLISTED_ROLES_EN)('en, a role no list named: %s → other', (text) => {
    expect(en.readRightParty(text)).toBe('other');
  });
  it.each(UNLISTED_ROLES_JA)('ja, a role no list named: %s → other', (text) => {
    expect(ja.readRightParty(text)).toBe('other');
  });
  it.each(FIRST_PERSON_JA)('ja: %s → self', (text) => {
    expect(ja.readRightParty(text)).toBe('self');
  });
  it.each(FIRST_PERSON_EN)('en: %s → self', (text) => {
    expect(en.readRightParty(text)).toBe('self');
  });
  it.each([
    ['ja', 'どうぞ'],
    ['ja', 'お願いします'],
    ['ja', '大丈夫です'],
    ['ja', 'えーっと'],
    ['en', 'go ahead'],
    ['en', 'ok'],
    ['en', 'sure'],
    ['en', 'no problem'],
  ] as const)('%s: permission is not identity: %s → unknown', (lang, text) => {
    expect(createIntentReader(lang).readRightParty(text)).toBe('unknown');
  });
  it('a third party wins over any request in the same sentence, in either language', () => {
    expect(en.detectIntent("I'm calling for the account owner, he's in a meeting, just reset it").intent).toBe('third_party');
    expect(ja.detectIntent('秘書です。社長は会議中なので後でかけ直してください').intent).toBe('third_party');
    expect(ja.detectIntent("I'm his assistant, call back later").intent).toBe('third_party');
  });
  // Red team round 2: conjugations and disclaimers the cues missed, said in any step (not only the greeting).
  it.each([
    ['ja', '太郎さんに頼まれました'],
    ['ja', '主人に頼まれまして'],
    ['ja', '私は本人ではないのですが'],
    ['ja', '本人じゃないんですけど、続けてください'],
    ['ja', '私のアカウントじゃないんですが'],
    ['en', "it's not my account but I have access"],
    ['en', "I'm not the account holder, just continue"],
    ['en', "i'm not Taro but he said it's ok"],
    ['en', 'This account is not mine'],
  ] as const)('%s, any step: %s → third_party or wrong_person', (lang, text) => {
    expect(['third_party', 'wrong_person']).toContain(createIntentReader(lang).detectIntent(text).intent);
  });
  it('the words that hide readings are not third parties: 大丈夫, つまり, "here", "this"', () => {
    expect(ja.detectIntent('大丈夫です').intent).toBeNull();
    expect(ja.detectIntent('つまり、メールのことですか').intent).not.toBe('third_party');
    expect(en.detectIntent("Yes, I'm here, this is fine").intent).toBeNull();
    expect(en.detectIntent('s m i t h pa at gmail dot com').intent).not.toBe('third_party');
  });
});

describe('third parties in a whole call end wrong_person: zero resets, zero callbacks, nothing disclosed', () => {
  const cases = [...THIRD_PARTY_JA.map((t) => ['ja', t] as const), ...THIRD_PARTY_EN.map((t) => ['en', t] as const)];
  it.each(cases)('%s at the greeting: %s', async (lang, text) => {
    const h = createHarness({ context: lang === 'ja' ? STORY_CONTEXT_JA : STORY_CONTEXT_EN });
    await h.start();
    await h.say(text);
    // Whatever else they say, nothing moves.
    await h.say(lang === 'ja' ? 'はい、本人です' : 'yes, speaking');
    expect(h.outcome()).toBe('wrong_person');
    expect(h.agent.snapshot().rightPartyConfirmed).toBe(false);
    expect(h.port.countOf('reschedule')).toBe(0);
    expect(h.port.countOf('resetMfa')).toBe(0);
    expect(h.port.countOf('sendCode')).toBe(0);
    expect(h.agentTexts().join(' ')).not.toMatch(/MFA|Inomata|猪股|matty|account|アカウント/);
  });

  it.each([
    ['ja', 'すみません、実は家内なんです。主人の代わりに出ました'],
    ['en', "Actually I'm his wife, he's in a meeting, call back later"],
  ] as const)('%s after a yes, mid-call: %s', async (lang, text) => {
    const h = createHarness({ context: lang === 'ja' ? STORY_CONTEXT_JA : STORY_CONTEXT_EN });
    await h.start();
    await h.say(lang === 'ja' ? 'はい' : 'yes');
    await h.say(text);
    expect(h.outcome()).toBe('wrong_person');
    expect(h.port.countOf('reschedule')).toBe(0);
    expect(h.port.countOf('resetMfa')).toBe(0);
  });

  it.each([
    ['ja', STORY_CONTEXT_JA],
    ['en', STORY_CONTEXT_EN],
  ] as const)('%s: the greeting names nobody before the callee confirms who they are', async (_lang, context) => {
    const h = createHarness({ context });
    await h.start();
    const greeting = h.agentTexts().join(' ');
    for (const part of context.customerName!.split(' ')) expect(greeting).not.toContain(part);
  });
});
