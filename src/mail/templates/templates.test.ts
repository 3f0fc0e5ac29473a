import { describe, expect, it } from 'vitest';
import {
  MailTemplateError,
  callRescheduled,
  callsExhausted,
  callScheduled,
  formatMailTime,
  mfaReset,
  recoveryCancelled,
  recoveryRequested,
  verificationCode,
} from './index';

const callAt = new Date('2026-11-30T00:00:00Z'); // Mon 09:00 in Tokyo
const requestedAt = new Date('2026-11-27T06:12:00Z'); // Fri 15:12 in Tokyo
const cancelUrl = 'https://support.example.jp/recovery/cancel?t=abc123&lang=ja';

function lines(text: string): string[] {
  return text.split('\n').map((l) => l.trim());
}

describe('formatMailTime', () => {
  it('formats in the business time zone for each language', () => {
    expect(formatMailTime(callAt, 'Asia/Tokyo', 'ja')).toBe('2026年11月30日(月) 09:00');
    expect(formatMailTime(callAt, 'Asia/Tokyo', 'en')).toBe('Mon 30 Nov 2026 09:00 JST');
    expect(formatMailTime(new Date('2026-07-01T13:30:00Z'), 'America/New_York', 'en')).toBe('Wed 1 Jul 2026 09:30 EDT');
    expect(formatMailTime(new Date('2026-07-01T13:30:00Z'), 'America/New_York', 'ja')).toBe('2026年7月1日(水) 09:30（America/New_York）');
  });

  it('rejects an unknown zone with a typed error', () => {
    expect(() => formatMailTime(callAt, 'Mars/Olympus', 'en')).toThrow(MailTemplateError);
  });
});

describe('recoveryRequested', () => {
  const base = {
    name: '山田 太郎',
    callAt,
    timeZone: 'Asia/Tokyo',
    cancelUrl,
    channel: 'phone' as const,
    requestedAt,
    companyName: 'Example社',
  };

  it('ja: call time, AI disclosure and the cancel link', () => {
    const m = recoveryRequested({ ...base, lang: 'ja', reference: '482913' });
    expect(m.subject).toBe('【Example社】MFAリセットのお電話を予約しました');
    const l = lines(m.text);
    expect(l).toContain('受付番号: 482913');
    expect(l[0]).toBe('山田 太郎 様');
    expect(l).toContain('受付日時: 2026年11月27日(金) 15:12');
    expect(l).toContain('お電話の予定: 2026年11月30日(月) 09:00');
    expect(l).toContain('方法: ご登録の電話番号へのお電話');
    expect(m.text).toContain('AIによる自動音声');
    expect(m.text).toContain(`心当たりがない（依頼を取り消す）:\n${cancelUrl}`);
    expect(m.html).toContain(`<a href="${cancelUrl.replace(/&/g, '&amp;')}"`);
    expect(m.text).toContain('このメールは送信専用です');
  });

  it('en: call time with zone, AI disclosure and "this wasn\'t me"', () => {
    const m = recoveryRequested({ ...base, name: 'Taro Yamada', lang: 'en', channel: 'browser' });
    expect(m.subject).toBe('[Example社] Your MFA reset call is booked');
    const l = lines(m.text);
    expect(l[0]).toBe('Hello Taro Yamada,');
    expect(l).toContain('Call: Mon 30 Nov 2026 09:00 JST');
    expect(l).toContain('How: a call in your web browser');
    expect(l.some((x) => x.startsWith('Reference'))).toBe(false); // none given, none shown
    expect(m.text).toContain('automated AI voice call');
    expect(m.text).toContain(`This wasn't me (cancel the request):\n${cancelUrl}`);
  });

  it('en: the browser-call line points at the linked page, not at the mail itself', () => {
    const joinUrl = 'https://support.example.jp/call/tok';
    const m = recoveryRequested({ ...base, lang: 'en', channel: 'browser', joinUrl });
    expect(m.text).not.toContain('Keep this page open');
    expect(m.text).toContain('Open the page below before the time of the call');
    expect(m.text).toContain(`Take the call in your browser:\n${joinUrl}`);
  });

  it('escapes the name in HTML and keeps it on one line in text', () => {
    const m = recoveryRequested({ ...base, lang: 'en', name: '<img src=x onerror=alert(1)>\nBcc: evil@example.com' });
    expect(m.html).not.toContain('<img');
    expect(m.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(lines(m.text)[0]).toBe('Hello <img src=x onerror=alert(1)> Bcc: evil@example.com,');
  });

  it('refuses a cancel link that is not http(s)', () => {
    expect(() => recoveryRequested({ ...base, lang: 'ja', cancelUrl: 'javascript:alert(1)' })).toThrow(MailTemplateError);
    expect(() => recoveryRequested({ ...base, lang: 'ja', cancelUrl: '/relative' })).toThrow(MailTemplateError);
  });
});

describe('verificationCode', () => {
  it('ja: the code, read in two chunks, validity, and never share', () => {
    const m = verificationCode({ lang: 'ja', code: '12675693', validMinutes: 10 });
    expect(m.subject).toBe('【aizuchi】確認コードのお知らせ');
    expect(lines(m.text)).toContain('12675693');
    expect(m.text).toContain('（1267、5693）');
    expect(m.text).toContain('有効期限は10分');
    expect(m.text).toContain('ほかの誰にも教えないでください');
    expect(m.text).toContain('ご返信いただいてもお答えできません');
    expect(m.html).toContain('<strong>12675693</strong>');
  });

  it('en: the code and the warnings; the subject never carries it', () => {
    const m = verificationCode({ lang: 'en', code: '00012345', validMinutes: 10 });
    expect(m.subject).toBe('[aizuchi] Your verification code');
    expect(m.subject).not.toMatch(/\d{4}/);
    expect(lines(m.text)).toContain('00012345');
    expect(m.text).toContain('(0001, 2345)');
    expect(m.text).toContain('valid for 10 minutes and works once');
    expect(m.text).toContain('Please do not reply');
  });

  it.each(['1234567', '123456789', '1234abcd', ' 12345678'])('rejects code %j', (code) => {
    expect(() => verificationCode({ lang: 'en', code, validMinutes: 10 })).toThrow(MailTemplateError);
  });

  it('rejects a non-positive validity', () => {
    expect(() => verificationCode({ lang: 'en', code: '12345678', validMinutes: 0 })).toThrow(MailTemplateError);
  });
});

describe('mfaReset', () => {
  const at = new Date('2026-11-30T00:05:00Z');

  it('ja: what happened, how to sign in and enrol, and the link', () => {
    const m = mfaReset({ lang: 'ja', name: '山田 太郎', at, timeZone: 'Asia/Tokyo', cancelUrl });
    expect(m.subject).toBe('【aizuchi】多要素認証（MFA）を解除しました');
    expect(m.text).toContain('2026年11月30日(月) 09:05 に、お客様のアカウントの多要素認証（MFA）を解除しました');
    expect(lines(m.text)).toContain('1. メールアドレスとパスワードでサインインしてください。');
    expect(m.text).toMatch(/^2\. 新しい端末の認証アプリ/m);
    expect(m.text).toContain(`心当たりがない:\n${cancelUrl}`);
    expect(m.html).toContain('<ol><li>');
  });

  it('en: without a link it tells the customer to contact support', () => {
    const m = mfaReset({ lang: 'en', name: 'Taro', at, timeZone: 'Asia/Tokyo' });
    expect(m.text).toContain('was removed from your account on Mon 30 Nov 2026 09:05 JST');
    expect(m.text).toContain('2. Enrol an authenticator app');
    expect(m.text).toContain("If this wasn't you, contact support immediately.");
    expect(m.html).not.toContain('<a ');
  });
});

describe('recoveryCancelled and call schedule mails', () => {
  const at = new Date('2026-11-28T01:00:00Z');

  it('recoveryCancelled says no call will be made, and that recovery is paused when locked', () => {
    const ja = recoveryCancelled({ lang: 'ja', name: '山田', at, timeZone: 'Asia/Tokyo', recoveryLocked: true });
    expect(ja.text).toContain('2026年11月28日(土) 10:00 に、多要素認証（MFA）のリセットのご依頼を取り消しました。お電話はおかけしません。');
    expect(ja.text).toContain('一時的に停止');
    const en = recoveryCancelled({ lang: 'en', name: 'Taro', at, timeZone: 'Asia/Tokyo' });
    expect(en.subject).toBe('[aizuchi] Your MFA reset request was cancelled');
    expect(en.text).toContain('We will not call you.');
    expect(en.text).toContain('submit a new request');
  });

  it('callScheduled and callRescheduled give the time, channel and cancel link', () => {
    const p = { name: 'Taro', callAt, timeZone: 'Asia/Tokyo', channel: 'phone' as const, cancelUrl };
    const s = callScheduled({ ...p, lang: 'ja' });
    expect(s.subject).toBe('【aizuchi】お電話の日時のお知らせ');
    expect(lines(s.text)).toContain('お電話の予定: 2026年11月30日(月) 09:00');
    const r = callRescheduled({ ...p, lang: 'en', reason: 'no_answer' });
    expect(r.subject).toBe('[aizuchi] Your call has been rescheduled');
    expect(r.text).toContain("We couldn't reach you, so we will call again.");
    expect(lines(r.text)).toContain('Call: Mon 30 Nov 2026 09:00 JST');
    expect(r.text).toContain(cancelUrl);
    expect(callRescheduled({ ...p, lang: 'ja', reason: 'requested' }).text).toContain('ご希望に合わせて');
  });

  it('callRescheduled says a declined call was declined, not unanswered, in ja and en', () => {
    const p = { name: 'Taro', callAt, timeZone: 'Asia/Tokyo', channel: 'browser' as const, cancelUrl };
    const ja = callRescheduled({ ...p, lang: 'ja', reason: 'declined' });
    expect(ja.text).toContain('着信を拒否されたため');
    expect(ja.text).not.toContain('つながらなかった');
    expect(lines(ja.text)).toContain('お電話の予定: 2026年11月30日(月) 09:00');
    const en = callRescheduled({ ...p, lang: 'en', reason: 'declined' });
    expect(en.text).toContain('You declined the call');
    expect(en.text).not.toContain("couldn't reach");
  });
});

describe('callsExhausted', () => {
  const base = { name: '山田 太郎', attempts: 4, requestUrl: 'https://support.example.jp/recover?lang=ja', companyName: 'Example' };

  it('says the calls did not connect, nothing changed, and links a new request (ja and en)', () => {
    const ja = callsExhausted({ ...base, lang: 'ja' });
    expect(ja.subject).toContain('お電話がつながりませんでした');
    expect(ja.text).toContain('4回お電話しましたが、つながりませんでした');
    expect(ja.text).toContain('MFAの設定は変わっていません');
    expect(ja.text).toContain('https://support.example.jp/recover?lang=ja');
    const en = callsExhausted({ ...base, lang: 'en', requestUrl: 'https://support.example.jp/recover?lang=en' });
    expect(en.subject).toContain('We could not reach you');
    expect(en.text).toContain('We called you 4 times');
    expect(en.text).toContain('https://support.example.jp/recover?lang=en');
    expect(en.text).not.toMatch(/call us/);
  });

  it('gives the number to call and the reference when the deployment takes calls in', () => {
    const callIn = { number: '050-1234-5678', reference: '482913' };
    const ja = callsExhausted({ ...base, lang: 'ja', callIn });
    expect(lines(ja.text)).toEqual(expect.arrayContaining([expect.stringContaining('050-1234-5678'), expect.stringContaining('482913')]));
    const en = callsExhausted({ ...base, lang: 'en', callIn });
    expect(en.text).toContain('call from the phone number on your account');
    expect(en.text).toContain('482913');
  });
});
