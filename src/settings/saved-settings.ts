import type { Kysely, Selectable } from 'kysely';
import type { BaseConfig } from '../config/base';
import { type BusinessCalendar, createBusinessCalendar } from '../domain/calendar';
import { POLICY_NAMES, type PolicyName } from '../domain/policy/presets';
import type { BusinessSettingsTable, Database } from '../store/schema';
import type { BusinessSettings } from './business-settings';

/** The one row of business_settings (migration 017). */
export const SETTINGS_ROW_ID = 'current';

export interface SettingsSnapshot {
  settings: BusinessSettings;
  /** 0: the environment's values (nothing saved yet); grows by one with every save. */
  version: number;
  updatedAt: string | null;
  updatedBy: string | null;
}

/** The environment's settings (AIZUCHI_BUSINESS_HOURS, …, AIZUCHI_POLICY): in force until an admin saves. */
export function settingsFromEnv(config: Pick<BaseConfig, 'calendar' | 'policy'>): BusinessSettings {
  const { weeklyHours, closedDates, japaneseHolidays } = config.calendar;
  return { weeklyHours, closedDates, japaneseHolidays, policy: config.policy };
}

/** The business calendar `settings` give in `timeZone`; throws CalendarConfigError for hours it refuses. */
export function calendarOf(settings: BusinessSettings, timeZone: string): BusinessCalendar {
  const { weeklyHours, closedDates, japaneseHolidays } = settings;
  return createBusinessCalendar({ timeZone, weeklyHours, closedDates, japaneseHolidays });
}

/** A stored row as settings; a policy name no longer known falls back to the environment's. */
export function settingsFromRow(row: Selectable<BusinessSettingsTable>, fallbackPolicy: PolicyName): BusinessSettings {
  return {
    weeklyHours: row.weekly_hours,
    closedDates: JSON.parse(row.closed_dates) as string[],
    japaneseHolidays: Boolean(row.japanese_holidays),
    policy: (POLICY_NAMES as readonly string[]).includes(row.policy) ? (row.policy as PolicyName) : fallbackPolicy,
  };
}

/**
 * What an admin last saved, or null when nothing was saved (the environment's values are in force).
 * Reads only; `db` may be a transaction. Throws what the driver throws: on a database without the
 * table (older than migration 017) that is an error store/drivers.ts isMissingTableError recognises.
 */
export async function readSavedSettings(db: Kysely<Database>, fallbackPolicy: PolicyName): Promise<SettingsSnapshot | null> {
  const row = await db.selectFrom('business_settings').selectAll().where('id', '=', SETTINGS_ROW_ID).executeTakeFirst();
  if (!row) return null;
  return {
    settings: settingsFromRow(row, fallbackPolicy),
    version: Number(row.version),
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}
