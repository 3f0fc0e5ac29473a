import { AUDIT_CHAIN_LOCK } from '../audit/audit-log';
import { appendSystemEvent } from '../audit/system-events';
import type { BusinessCalendar } from '../domain/calendar';
import type { Clock } from '../domain/clock';
import type { PolicyName } from '../domain/policy';
import type { Logger } from '../observability/logger';
import type { Store } from '../store/connect';
import type { PubSub } from '../store/pubsub';
import { writeTransaction } from '../store/write-transaction';
import { type BusinessSettings, settingsChanges } from './business-settings';
import { SETTINGS_ROW_ID, type SettingsSnapshot, calendarOf, readSavedSettings, settingsFromRow } from './saved-settings';

export type { SettingsSnapshot } from './saved-settings';

/** The pubsub channel a save is announced on: `{ version }`; listeners read the row itself. */
export const SETTINGS_CHANNEL = 'settings.changed';
/** The audit event kind of a save. */
export const SETTINGS_CHANGED_EVENT = 'business_settings_changed';
/**
 * How often a process re-reads the row on its own. With PostgreSQL every process hears a save
 * through NOTIFY within milliseconds; this bounds how stale one can be when it missed that message
 * (listener reconnecting) or runs on SQLite, where messages do not cross processes.
 */
export const SETTINGS_REFRESH_MS = 10_000;

export interface LiveSettings {
  /**
   * The business calendar as currently set: every method reads the settings in force at the call,
   * so the scheduler, call-now checks, escalations and charts see a save without a restart.
   */
  readonly calendar: BusinessCalendar;
  /** The recovery policy preset in force. */
  policy(): PolicyName;
  current(): SettingsSnapshot;
  /** The environment's values, shown beside the form as the defaults. */
  readonly defaults: BusinessSettings;
  /**
   * Stores `next` (an admin's checked form) and appends one audit event with the admin's id and the
   * old → new value of each changed field, in one write transaction; then this process switches at
   * once and the others are told. Returns the changes (empty: nothing was stored).
   */
  save(next: BusinessSettings, actorId: string): Promise<Record<string, { from: unknown; to: unknown }>>;
  /** Reads the row (the first load, a notification, the timer). */
  refresh(): Promise<void>;
  /** Listens for other processes' saves and re-reads every SETTINGS_REFRESH_MS. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface LiveSettingsDeps {
  store: Store;
  pubsub: PubSub;
  clock: Clock;
  logger: Logger;
  /** From the environment (config.calendar, config.policy). */
  defaults: BusinessSettings;
  timeZone: string;
  refreshMs?: number;
}

/**
 * Admin settings over the environment's defaults (migration 017), held in memory because the
 * calendar is asked synchronously many times a request. Call `refresh()` once before use.
 */
export function createLiveSettings(deps: LiveSettingsDeps): LiveSettings {
  const log = deps.logger.child({ component: 'settings' });
  const build = (s: BusinessSettings) => calendarOf(s, deps.timeZone);
  let snapshot: SettingsSnapshot = { settings: deps.defaults, version: 0, updatedAt: null, updatedBy: null };
  let calendar = build(deps.defaults);
  let timer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => Promise<void>) | undefined;

  const adopt = (next: SettingsSnapshot) => {
    if (next.version <= snapshot.version) return;
    try {
      calendar = build(next.settings);
      snapshot = next;
      log.info({ version: next.version }, 'business settings in force');
    } catch (err) {
      // Only checked forms are stored; a row the calendar refuses (edited by hand) leaves the last good one in force.
      log.error({ err, version: next.version }, 'stored business settings refused; keeping the ones in force');
    }
  };

  const refresh = async () => {
    const saved = await readSavedSettings(deps.store.db, deps.defaults.policy);
    if (saved) adopt(saved);
  };

  const live: BusinessCalendar = {
    timeZone: deps.timeZone,
    isOpen: (at) => calendar.isOpen(at),
    nextOpen: (from) => calendar.nextOpen(from),
    nextOpenAfter: (from, lead) => calendar.nextOpenAfter(from, lead),
    openWindows: (from, days) => calendar.openWindows(from, days),
  };

  return {
    calendar: live,
    policy: () => snapshot.settings.policy,
    current: () => snapshot,
    defaults: deps.defaults,
    refresh,
    async save(next, actorId) {
      const at = deps.clock.now();
      const saved = await writeTransaction(
        deps.store,
        async (trx) => {
          const row = await trx.selectFrom('business_settings').selectAll().where('id', '=', SETTINGS_ROW_ID).executeTakeFirst();
          const before = row ? settingsFromRow(row, deps.defaults.policy) : deps.defaults;
          const changes = settingsChanges(before, next);
          if (Object.keys(changes).length === 0) return { changes, snapshot: null };
          const version = (row ? Number(row.version) : 0) + 1;
          const values = {
            weekly_hours: next.weeklyHours,
            closed_dates: JSON.stringify(next.closedDates),
            japanese_holidays: next.japaneseHolidays ? 1 : 0,
            policy: next.policy,
            version,
            updated_at: at.toISOString(),
            updated_by: actorId,
          };
          if (row) await trx.updateTable('business_settings').set(values).where('id', '=', SETTINGS_ROW_ID).execute();
          else
            await trx
              .insertInto('business_settings')
              .values({ id: SETTINGS_ROW_ID, ...values })
              .execute();
          await appendSystemEvent(trx, deps.store.dialect, { kind: SETTINGS_CHANGED_EVENT, actorId, data: { version, changes }, at });
          return { changes, snapshot: { settings: next, version, updatedAt: values.updated_at, updatedBy: actorId } };
        },
        AUDIT_CHAIN_LOCK,
      );
      if (saved.snapshot) {
        adopt(saved.snapshot);
        // After the commit: a process that hears it must find the row. A lost message is caught by the timer.
        await deps.pubsub.publish(SETTINGS_CHANNEL, { version: saved.snapshot.version }).catch((err: unknown) => {
          log.warn({ err }, 'could not announce the settings change; other processes see it within the refresh interval');
        });
      }
      return saved.changes;
    },
    async start() {
      if (timer) return;
      unsubscribe = await deps.pubsub.subscribe(SETTINGS_CHANNEL, (message) => {
        const version = (message as { version?: unknown } | null)?.version;
        if (typeof version === 'number' && version <= snapshot.version) return;
        refresh().catch((err: unknown) => log.warn({ err }, 'could not read the business settings'));
      });
      timer = setInterval(() => {
        refresh().catch((err: unknown) => log.warn({ err }, 'could not read the business settings'));
      }, deps.refreshMs ?? SETTINGS_REFRESH_MS);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await unsubscribe?.();
      unsubscribe = undefined;
    },
  };
}
