import { DateTime } from 'luxon';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { ChainedEvent } from '../../audit/chain';
import type { Clock } from '../../domain/clock';
import { type ConsoleRole, roleAtLeast } from '../../domain/console-roles';
import { Refusal } from '../../domain/refusal';
import {
  type LiveSettings,
  type SettingsForm,
  type SettingsProblem,
  WEEKDAYS,
  type Weekday,
  checkSettingsForm,
  hoursByWeekday,
} from '../../settings';
import type { OperatorNamesLookup } from '../../settings/operator-names';
import type { Csrf } from '../pages/identity/csrf';
import { settingsPage } from '../pages/console/settings-page';
import { z } from 'zod';
import { zodRoutes } from '../openapi';
import { formBody, langParam } from '../route-schemas';

export interface ConsoleSettingsDeps {
  settings: LiveSettings;
  requireOperator: preHandlerAsyncHookHandler;
  /** Who passed requireOperator and their console role: only an admin may save. */
  principal(request: FastifyRequest): { id: string; role: ConsoleRole } | undefined;
  csrf: Csrf;
  /** The newest settings changes from the audit chain, newest first. */
  history(): Promise<ChainedEvent[]>;
  clock: Clock;
  /** Names for who saved (settings/operator-names.ts); absent: their ids are shown. */
  operatorNames?: OperatorNamesLookup;
  /** A recent re-authentication for a save (issue 10: editing policy is a sensitive action); none until it is wired. */
  freshAuth?: preHandlerAsyncHookHandler;
}

type Body = Partial<Record<Weekday, string>> & {
  closedDates?: string;
  japaneseHolidays?: string;
  policy?: string;
  confirmLower?: string;
  _csrf?: string;
};

const dayText = z.string().max(100).optional().describe('HH:MM-HH:MM ranges, comma-separated; empty: closed');
const bodySchema = formBody({
  ...(Object.fromEntries(WEEKDAYS.map((d) => [d, dayText])) as Record<Weekday, typeof dayText>),
  closedDates: z.string().max(4000).optional(),
  japaneseHolidays: z.string().max(8).optional(),
  policy: z.string().max(40).optional(),
  confirmLower: z.string().max(8).optional(),
});
const settingsQuery = z.looseObject({ lang: langParam, saved: z.enum(['1', '0']).optional() });

/**
 * GET /console/settings (every console role; read only below admin) and POST /console/settings
 * (admin): the business hours per weekday, closed dates, Japanese holiday handling and the policy
 * preset. A save is checked (src/settings/business-settings.ts), stored with one audit event in
 * the chain, and in force in this process at once and in the others within SETTINGS_REFRESH_MS.
 * A refused form comes back 400 with each problem beside its field; a non-admin's post gets 403.
 */
export function consoleSettingsPlugin(deps: ConsoleSettingsDeps): FastifyPluginAsync {
  const isAdmin = (req: FastifyRequest) => {
    const p = deps.principal(req);
    return p !== undefined && roleAtLeast(p.role, 'admin');
  };
  const today = () => DateTime.fromJSDate(deps.clock.now(), { zone: deps.settings.calendar.timeZone }).toISODate()!;

  const formInForce = (): SettingsForm => {
    const s = deps.settings.current().settings;
    return {
      hours: hoursByWeekday(s.weeklyHours),
      // Past closures change nothing and the form would refuse them: only today's and later are shown.
      closedDates: s.closedDates.filter((d) => d >= today()).join('\n'),
      japaneseHolidays: s.japaneseHolidays,
      policy: s.policy,
      confirmLower: false,
    };
  };

  async function render(
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    extra: { form?: SettingsForm; problems?: SettingsProblem[]; notice?: 'saved' | 'unchanged' } = {},
  ) {
    let nextOpen: Date | null = null;
    try {
      nextOpen = deps.settings.calendar.nextOpen(deps.clock.now());
    } catch {
      nextOpen = null; // a calendar that never opens: the page says so with a dash
    }
    const snapshot = deps.settings.current();
    const history = await deps.history();
    const actors = history.map((e) => (JSON.parse(e.data) as { actorId?: unknown }).actorId);
    const names = await deps.operatorNames?.([snapshot.updatedBy, ...actors].filter((id): id is string => typeof id === 'string'));
    const body = settingsPage({
      lang: req.lang,
      timeZone: deps.settings.calendar.timeZone,
      snapshot,
      form: extra.form ?? formInForce(),
      nextOpen,
      history,
      ...(names ? { names } : {}),
      navCsrfField: deps.csrf.field(req, reply),
      ...(isAdmin(req) ? { csrfField: deps.csrf.field(req, reply) } : {}),
      ...(extra.problems ? { problems: extra.problems } : {}),
      ...(extra.notice ? { notice: extra.notice } : {}),
      switchPath: req.url,
    });
    return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);
  }

  return async (plain) => {
    const app = zodRoutes(plain);
    app.get('/console/settings', { preHandler: deps.requireOperator, schema: { querystring: settingsQuery } }, async (req, reply) => {
      const saved = (req.query as { saved?: string }).saved;
      return render(req, reply, 200, saved ? { notice: saved === '1' ? 'saved' : 'unchanged' } : {});
    });

    app.post(
      '/console/settings',
      {
        preHandler: deps.freshAuth ? [deps.requireOperator, deps.freshAuth] : deps.requireOperator,
        schema: { body: bodySchema, querystring: settingsQuery },
      },
      async (req, reply) => {
        if (!deps.csrf.verify(req)) throw new Refusal('stale_form', { back: '/console/settings' });
        const who = deps.principal(req);
        if (!who || !isAdmin(req)) throw new Refusal('needs_role', { role: 'admin', back: '/console/settings' });
        const b = (req.body ?? {}) as Body;
        const form: SettingsForm = {
          hours: Object.fromEntries(WEEKDAYS.map((d) => [d, b[d] ?? ''])) as Record<Weekday, string>,
          closedDates: b.closedDates ?? '',
          japaneseHolidays: b.japaneseHolidays === 'on',
          policy: b.policy ?? '',
          confirmLower: b.confirmLower === 'on',
        };
        const checked = checkSettingsForm(form, {
          today: today(),
          current: deps.settings.current().settings,
          timeZone: deps.settings.calendar.timeZone,
          now: deps.clock.now(),
        });
        if (!checked.ok) return render(req, reply, 400, { form, problems: checked.problems });
        const changes = await deps.settings.save(checked.settings, who.id);
        req.log.info({ operatorId: who.id, fields: Object.keys(changes) }, 'business settings saved');
        return reply.redirect(`/console/settings?lang=${req.lang}&saved=${Object.keys(changes).length > 0 ? '1' : '0'}`, 303);
      },
    );
  };
}
