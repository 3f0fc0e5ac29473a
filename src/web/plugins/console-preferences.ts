import type { Kysely } from 'kysely';
import type { Clock } from '../../domain/clock';
import { type Lang, isLang } from '../../domain/lang';
import type { Database } from '../../store/schema';

/** Each console operator's stored language (migration 012), keyed by the console principal's id. */
export interface ConsolePreferences {
  /** The stored language, or undefined when the operator never chose one. */
  lang(operatorId: string): Promise<Lang | undefined>;
  setLang(operatorId: string, lang: Lang): Promise<void>;
}

/** ConsolePreferences over the console_preferences table; an upsert works the same on SQLite and PostgreSQL. */
export function dbConsolePreferences(db: Kysely<Database>, clock: Clock): ConsolePreferences {
  return {
    async lang(operatorId) {
      const row = await db.selectFrom('console_preferences').select('lang').where('operator_id', '=', operatorId).executeTakeFirst();
      return isLang(row?.lang) ? row.lang : undefined;
    },
    async setLang(operatorId, lang) {
      const updated_at = clock.now().toISOString();
      await db
        .insertInto('console_preferences')
        .values({ operator_id: operatorId, lang, updated_at })
        .onConflict((oc) => oc.column('operator_id').doUpdateSet({ lang, updated_at }))
        .execute();
    },
  };
}
