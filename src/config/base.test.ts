import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadBaseConfig } from './base';
import { loadConfig } from '.';

describe('the base configuration (what `aizuchi hours next` reads, without zod)', () => {
  it('defaults: ./data, SQLite inside it, standard policy, Tokyo weekdays 9–18 closed on holidays', () => {
    const dataDir = path.resolve('./data');
    expect(loadBaseConfig({})).toEqual({
      dataDir,
      databaseUrl: `sqlite:${path.join(dataDir, 'aizuchi.db')}`,
      policy: 'standard',
      calendar: { timeZone: 'Asia/Tokyo', weeklyHours: 'mon-fri 09:00-18:00', closedDates: [], japaneseHolidays: true },
    });
  });

  it('reads each variable, and is what loadConfig uses (one definition)', () => {
    const env = {
      AIZUCHI_DATA_DIR: '/var/lib/aizuchi',
      AIZUCHI_DATABASE_URL: 'postgres://u@db.example/aizuchi',
      AIZUCHI_POLICY: 'strict',
      AIZUCHI_TIMEZONE: 'America/New_York',
      AIZUCHI_BUSINESS_HOURS: 'mon-sat 08:00-20:00',
      AIZUCHI_CLOSED_DATES: ' 2035-12-31, ,2036-01-02',
      AIZUCHI_JAPANESE_HOLIDAYS: 'no',
    };
    const base = loadBaseConfig(env);
    expect(base).toEqual({
      dataDir: '/var/lib/aizuchi',
      databaseUrl: 'postgres://u@db.example/aizuchi',
      policy: 'strict',
      calendar: {
        timeZone: 'America/New_York',
        weeklyHours: 'mon-sat 08:00-20:00',
        closedDates: ['2035-12-31', '2036-01-02'],
        japaneseHolidays: false,
      },
    });
    const { dataDir, databaseUrl, policy, calendar } = loadConfig(env);
    expect({ dataDir, databaseUrl, policy, calendar }).toEqual(base);
  });

  it('refuses a bad value naming the variable and what it takes', () => {
    expect(() => loadBaseConfig({ AIZUCHI_JAPANESE_HOLIDAYS: 'maybe' })).toThrow(ConfigError);
    expect(() => loadBaseConfig({ AIZUCHI_JAPANESE_HOLIDAYS: 'maybe' })).toThrow(
      'invalid AIZUCHI_JAPANESE_HOLIDAYS: expected one of 1, 0, true, false, yes, no',
    );
    expect(() => loadBaseConfig({ AIZUCHI_POLICY: 'lenient' })).toThrow(
      'invalid AIZUCHI_POLICY: expected one of standard, strict, mailbox',
    );
  });
});
