import { describe, expect, it } from 'vitest';
import { SECRET_PLACEHOLDER, guardCallerLine } from './transcript-guard';

describe('guardCallerLine', () => {
  it.each([
    ['パスワードはCanary-Pw-zq##xです', `パスワードは${SECRET_PLACEHOLDER}です`],
    ['my password is hunter2!abc', `my password is ${SECRET_PLACEHOLDER}`],
    ['it is P@ssw0rd_long ok', `it is ${SECRET_PLACEHOLDER} ok`],
  ])('removes secret-shaped tokens: %s', (input, expected) => {
    expect(guardCallerLine(input)).toBe(expected);
  });

  it.each([
    'はい、そうです',
    'twenty-four hours, thank you',
    "that's fine",
    'matty at gmail dot com',
    'room #12',
    'ABCDEFGHIJ',
    '[code redacted]',
    '[email spelling redacted]',
    '[keypad entry redacted]',
  ])('leaves ordinary speech alone: %s', (line) => {
    expect(guardCallerLine(line)).toBe(line);
  });
});
