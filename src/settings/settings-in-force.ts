import { type BusinessCalendar, CalendarConfigError } from '../domain/calendar';
import { isMissingTableError, sqliteFileOf } from '../store/drivers';
import { openStoreReadOnly } from '../store/read-only';
import type { BusinessSettings } from './business-settings';
import { type SettingsSnapshot, calendarOf, readSavedSettings } from './saved-settings';

export interface SettingsInForce {
  settings: BusinessSettings;
  /** The saved version in force; 0 when the environment's values are. */
  version: number;
  calendar: BusinessCalendar;
  /**
   * Why the environment's values are in force although a database is configured (none there yet,
   * not migrated, a saved version refused), as a sentence for stderr; null when the database
   * answered plainly (a saved version, or nothing saved).
   */
  note: string | null;
}

/**
 * The business settings in force, for a command that only reads them (`aizuchi hours next`, issue
 * 11): what an admin saved in /console/settings, else the environment's (`defaults`), decided as the
 * server decides (createLiveSettings): a saved version the calendar refuses leaves the environment's
 * in force. Opens the database read-only (store/read-only.ts): never creates, writes or migrates it.
 * Throws when the database cannot be asked (PostgreSQL down, a damaged file): the environment's hours
 * could then be hours the service refuses, so no answer is better than a wrong one.
 */
export async function readSettingsInForce(deps: {
  databaseUrl: string;
  timeZone: string;
  defaults: BusinessSettings;
}): Promise<SettingsInForce> {
  const fromEnv = (note: string | null): SettingsInForce => ({
    settings: deps.defaults,
    version: 0,
    calendar: calendarOf(deps.defaults, deps.timeZone),
    note,
  });
  const store = await openStoreReadOnly(deps.databaseUrl);
  if (!store) return fromEnv(`no database at ${sqliteFileOf(deps.databaseUrl)} yet: the business hours are the environment's`);
  let saved: SettingsSnapshot | null;
  try {
    saved = await readSavedSettings(store.db, deps.defaults.policy);
  } catch (err) {
    if (!isMissingTableError(err)) throw err;
    return fromEnv("the database is not migrated yet (aizuchi serve migrates it): the business hours are the environment's");
  } finally {
    await store.close();
  }
  if (!saved) return fromEnv(null);
  try {
    return { settings: saved.settings, version: saved.version, calendar: calendarOf(saved.settings, deps.timeZone), note: null };
  } catch (err) {
    if (!(err instanceof CalendarConfigError)) throw err;
    return fromEnv(`the saved business settings (version ${saved.version}) are refused (${err.message}): the environment's are in force`);
  }
}
