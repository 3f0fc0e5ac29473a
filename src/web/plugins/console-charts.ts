import { DateTime } from 'luxon';
import type { Kysely } from 'kysely';
import type { FastifyPluginAsync, preHandlerAsyncHookHandler } from 'fastify';
import { callStats } from '../../calls/stats/call-stats';
import type { BusinessCalendar } from '../../domain/calendar';
import type { Clock } from '../../domain/clock';
import type { Database } from '../../store/schema';
import { chartsPage } from '../pages/console/charts-page';
import type { Csrf } from '../pages/identity/csrf';
import { z } from 'zod';
import { zodRoutes } from '../openapi';
import { langParam, queryInt } from '../route-schemas';

export interface ConsoleChartsDeps {
  db: Kysely<Database>;
  requireOperator: preHandlerAsyncHookHandler;
  calendar: Pick<BusinessCalendar, 'isOpen'>;
  /** The business time zone (config AIZUCHI_TIMEZONE): days and hours are counted in it. */
  timeZone: string;
  clock: Clock;
  /** For the nav's sign-out form. */
  csrf?: Pick<Csrf, 'field'>;
}

/**
 * GET /console/charts?days=N (1–90, default 14): the operators' charts over the last N local days
 * including today, drawn server-side as SVG from the calls table.
 */
export function consoleChartsPlugin(deps: ConsoleChartsDeps): FastifyPluginAsync {
  return async (plain) => {
    const app = zodRoutes(plain);
    app.get(
      '/console/charts',
      {
        preHandler: deps.requireOperator,
        schema: { querystring: z.looseObject({ days: queryInt(1, 90).describe('days to chart, 1–90; default 14'), lang: langParam }) },
      },
      async (req, reply) => {
        const count = req.query.days ?? 14;
        const today = DateTime.fromJSDate(deps.clock.now(), { zone: deps.timeZone }).startOf('day');
        const first = today.minus({ days: count - 1 });
        const days = Array.from({ length: count }, (_, i) => first.plus({ days: i }).toFormat('yyyy-MM-dd'));
        const from = first.toUTC().toISO()!;
        const to = today.plus({ days: 1 }).toUTC().toISO()!;
        // An hour of day is "open" when the calendar is open at its middle on any day of the range.
        const openHours = new Set<number>();
        for (let d = 0; d < count; d++)
          for (let h = 0; h < 24; h++)
            if (deps.calendar.isOpen(first.plus({ days: d, hours: h, minutes: 30 }).toJSDate())) openHours.add(h);
        const stats = await callStats(deps.db, from, to);
        const lang = req.lang;
        return reply
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(
            chartsPage({
              stats,
              days,
              openHours,
              timeZone: deps.timeZone,
              lang,
              switchPath: req.url,
              csrfField: deps.csrf?.field(req, reply),
            }),
          );
      },
    );
  };
}
