import { describe, expect, it } from 'vitest';
import { readSpelledEmail } from './email';

// Issue 9, "Letters written as other words".
describe('letters written as other words', () => {
  it.each([
    // Issue lines.
    [['エム、愛、ケー、イー', 'アットマーク', 'ヤフードットシーオードットジェーピー'], 'mike@yahoo.co.jp'],
    [['ケー、エル、ユーエスエーのユー、エイチ', 'アットマーク', 'ジーメールドットコム'], 'kluh@gmail.com'],
    // Other members: kanji homophones of letter names.
    [['エム、藍、ケー、イー', 'アットマーク', 'ジーメールドットコム'], 'mike@gmail.com'],
    [['ジェー、王、円、イー', 'アットマーク', 'ジーメールドットコム'], 'jone@gmail.com'],
    [['ジェー、尾、エヌ、絵', 'アットマーク', 'ジーメールドットコム'], 'jone@gmail.com'],
    [['ジェー、オー、円、江', 'アットマーク', 'ジーメールドットコム'], 'jone@gmail.com'],
    // A letter illustrated by a word that is itself spelled letters.
    [['エヌ、エイチ、ケーのケー、エス', 'アットマーク', 'ジーメールドットコム'], 'nhks@gmail.com'],
    [['エム、ビービーシーのビー', 'アットマーク', 'ジーメールドットコム'], 'mb@gmail.com'],
    [['ケー、エル、USAのU、エイチ', 'アットマーク', 'ジーメールドットコム'], 'kluh@gmail.com'],
    [['エー、アップルのエー、ビー', 'アットマーク', 'ジーメールドットコム'], 'ab@gmail.com'],
  ] as const)('%j → %s', (turns, want) => {
    expect(readSpelledEmail(turns, 'ja').email).toBe(want);
  });
});

describe('well-known providers said as words', () => {
  it.each([
    ['m a t t y at aol dot com', 'matty@aol.com'],
    ['m a t t y at aol', 'matty@aol.com'],
    ['m a t t y at protonmail', 'matty@protonmail.com'],
    ['m a t t y at proton dot me', 'matty@proton.me'],
    ['m a t t y at me dot com', 'matty@me.com'],
    ['m a t t y at mac dot com', 'matty@mac.com'],
    ['m a t t y at live dot com', 'matty@live.com'],
    ['m a t t y at msn', 'matty@msn.com'],
    ['m a t t y at gmx dot de', 'matty@gmx.de'],
    ['m a t t y at gmx', 'matty@gmx.com'],
    ['m a t t y at zoho', 'matty@zoho.com'],
    ['m a t t y at mail dot com', 'matty@mail.com'],
    ['m a t t y at ezweb', 'matty@ezweb.ne.jp'],
    ['m a t t y at au dot com', 'matty@au.com'],
    ['m a t t y at i dot softbank dot jp', 'matty@i.softbank.jp'],
    ['m a t t y at docomo', 'matty@docomo.ne.jp'],
    ['m a t t y at nifty', 'matty@nifty.com'],
    ['m a t t y at biglobe', 'matty@biglobe.ne.jp'],
    ['m a t t y at so-net', 'matty@so-net.ne.jp'],
    ['m a t t y at ocn', 'matty@ocn.ne.jp'],
    ['m a t t y at plala', 'matty@plala.or.jp'],
  ])('en %s → %s', (turn, want) => {
    expect(readSpelledEmail([turn], 'en').email).toBe(want);
  });

  it.each([
    ['エーオーエル', 'm@aol.com'],
    ['プロトンメール', 'm@protonmail.com'],
    ['プロトンドットミー', 'm@proton.me'],
    ['ミードットコム', 'm@me.com'],
    ['マックドットコム', 'm@mac.com'],
    ['エムエスエヌ', 'm@msn.com'],
    ['ジーエムエックス', 'm@gmx.com'],
    ['ゾーホー', 'm@zoho.com'],
    ['メールドットコム', 'm@mail.com'],
    ['イーゼットウェブ', 'm@ezweb.ne.jp'],
    ['エーユードットコム', 'm@au.com'],
    ['アイソフトバンク', 'm@i.softbank.jp'],
    ['ドコモ', 'm@docomo.ne.jp'],
    ['ニフティ', 'm@nifty.com'],
    ['ビッグローブ', 'm@biglobe.ne.jp'],
    ['ソネット', 'm@so-net.ne.jp'],
    ['オーシーエヌ', 'm@ocn.ne.jp'],
    ['プララ', 'm@plala.or.jp'],
  ])('ja %s → %s', (domain, want) => {
    expect(readSpelledEmail(['エム', 'アットマーク', domain], 'ja').email).toBe(want);
  });

  it('an unknown domain word still asks to spell the domain', () => {
    expect(readSpelledEmail(['m a t t y at zorblax dot com'], 'en')).toMatchObject({ status: 'spell_domain', unknownDomain: 'zorblax' });
    expect(readSpelledEmail(['エム', 'アットマーク', 'アイズチテックドットコム'], 'ja')).toMatchObject({ status: 'spell_domain' });
  });
});
