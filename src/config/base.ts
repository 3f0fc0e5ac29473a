import path from 'node:path';
import { AizuchiError } from '../domain/errors';
import { POLICY_NAMES, type PolicyName } from '../domain/policy/presets';

/**
 * The part of the configuration that even the quickest command needs: where the data and the
 * database are, the business calendar and the recovery policy as the environment sets them (the
 * defaults under an admin's saved settings, src/settings). Parsed here by hand, without zod, so
 * `aizuchi hours next` starts fast (issue 11: < 300 ms; importing zod alone takes ~130 ms).
 * loadConfig (index.ts) parses every other variable with zod (env-schema.ts) and takes these from
 * loadBaseConfig, so each variable has one definition. Reads only the environment it is given.
 */

/** A bad variable: the message names it (`invalid AIZUCHI_X: …`). */
export class ConfigError extends AizuchiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'config', cause: options?.cause });
  }
}

/** The words a yes/no variable takes (env-schema.ts builds its zod `bool` from these too). */
export const BOOLEAN_WORDS = ['1', '0', 'true', 'false', 'yes', 'no'] as const;
export type BooleanWord = (typeof BOOLEAN_WORDS)[number];

/** `1`, `true` and `yes` are yes; `0`, `false` and `no` are no. */
export function booleanOf(word: BooleanWord): boolean {
  return word === '1' || word === 'true' || word === 'yes';
}

/** The business calendar as the environment sets it (AIZUCHI_TIMEZONE, _BUSINESS_HOURS, _CLOSED_DATES, _JAPANESE_HOLIDAYS). */
export interface CalendarConfig {
  /** IANA zone every business time is read and shown in. */
  timeZone: string;
  /** A weekly-hours spec (src/domain/calendar/weekly-hours.ts), checked when the calendar is built. */
  weeklyHours: string;
  /** YYYY-MM-DD dates closed all day, as listed (comma-separated in the variable). */
  closedDates: string[];
  japaneseHolidays: boolean;
}

export interface BaseConfig {
  /** Absolute path of AIZUCHI_DATA_DIR (default ./data). */
  dataDir: string;
  /** AIZUCHI_DATABASE_URL, else SQLite at <dataDir>/aizuchi.db. */
  databaseUrl: string;
  /** AIZUCHI_POLICY: which proofs a reset needs (src/domain/policy/presets.ts). */
  policy: PolicyName;
  calendar: CalendarConfig;
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ConfigError(`invalid ${name}: expected one of ${allowed.join(', ')}`);
}

/** Reads the variables above from `env`; throws ConfigError naming the first bad one. */
export function loadBaseConfig(env: NodeJS.ProcessEnv = process.env): BaseConfig {
  const dataDir = path.resolve(env.AIZUCHI_DATA_DIR ?? './data');
  return {
    dataDir,
    databaseUrl: env.AIZUCHI_DATABASE_URL ?? `sqlite:${path.join(dataDir, 'aizuchi.db')}`,
    // The error lists every preset.
    policy: oneOf('AIZUCHI_POLICY', env.AIZUCHI_POLICY, POLICY_NAMES, 'standard'),
    calendar: {
      timeZone: env.AIZUCHI_TIMEZONE ?? 'Asia/Tokyo',
      weeklyHours: env.AIZUCHI_BUSINESS_HOURS ?? 'mon-fri 09:00-18:00',
      closedDates: (env.AIZUCHI_CLOSED_DATES ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      japaneseHolidays: booleanOf(oneOf('AIZUCHI_JAPANESE_HOLIDAYS', env.AIZUCHI_JAPANESE_HOLIDAYS, BOOLEAN_WORDS, 'true')),
    },
  };
}
