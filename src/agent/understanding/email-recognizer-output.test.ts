import { describe, expect, it } from 'vitest';
import { readSpelledEmail } from './email';
import { EN_EMAIL_COMPLETE, EN_EMAIL_NOT_COMPLETE, JA_EMAIL_COMPLETE, JA_EMAIL_NOT_COMPLETE } from './test-sets/email';

describe('readSpelledEmail on Japanese recogniser output', () => {
  it.each(JA_EMAIL_COMPLETE)('%s', (_name, turns, expected) => {
    expect(readSpelledEmail(turns, 'ja')).toMatchObject({ email: expected, status: 'complete' });
  });
  it.each(JA_EMAIL_NOT_COMPLETE)('%s', (_name, turns, status, unknown) => {
    const reading = readSpelledEmail(turns, 'ja');
    expect(reading.email).toBeNull();
    expect(reading.status).toBe(status);
    expect(reading.unknownDomain).toBe(unknown);
  });
});

describe('readSpelledEmail on English recogniser output', () => {
  it.each(EN_EMAIL_COMPLETE)('%s', (_name, turns, expected) => {
    expect(readSpelledEmail(turns, 'en')).toMatchObject({ email: expected, status: 'complete' });
  });
  it.each(EN_EMAIL_NOT_COMPLETE)('%s', (_name, turns, status, unknown) => {
    const reading = readSpelledEmail(turns, 'en');
    expect(reading.email).toBeNull();
    expect(reading.status).toBe(status);
    expect(reading.unknownDomain).toBe(unknown);
  });
});

describe('partial', () => {
  it('shows what is understood so far', () => {
    expect(readSpelledEmail(['えーっと、エム、エー、ティ、ティ、ワイ'], 'ja').partial).toBe('matty');
    expect(readSpelledEmail(['エム、エー、ティ、ティ、ワイ、アットマーク'], 'ja').partial).toBe('matty@');
    expect(readSpelledEmail(['m a t t y at acme-corp dot com'], 'en').partial).toBe('matty@');
  });
});

describe('letters that look like an ending', () => {
  it('reads ジェーピー inside a spelled label as the letters j and p', () => {
    expect(readSpelledEmail(['エムアットエックスジェーピーワイドットコム'], 'ja').email).toBe('m@xjpy.com');
    expect(readSpelledEmail(['エム、アットマーク、エー、ビー、シーオージェーピー'], 'ja').email).toBe('m@ab.co.jp');
  });
});
