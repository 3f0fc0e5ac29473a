import { Command } from 'commander';
import { DateTime } from 'luxon';
import type { BusinessCalendar } from '../../domain/calendar/calendar';
import { type Clock, systemClock } from '../../domain/clock';
import { CliError } from '../cli-error';

export interface HoursCommandServices {
  calendar: BusinessCalendar;
  /** Where "now" comes from when --from is omitted; the system clock by default. */
  clock?: Clock;
}

export interface HoursCommandContext {
  services(): Promise<HoursCommandServices>;
  /** Output sink for results; stdout by default. */
  print?(line: string): void;
}

/**
 * Reads an ISO-8601 time. A time without an offset is taken as wall-clock time in the business
 * zone, which is what an operator typing "2026-11-30T08:00" means.
 */
function parseFrom(text: string, timeZone: string): Date {
  const parsed = DateTime.fromISO(text, { zone: timeZone, setZone: true });
  if (!parsed.isValid) throw new CliError(`--from: "${text}" is not an ISO-8601 time (e.g. 2026-11-30T08:00:00+09:00)`);
  return parsed.toJSDate();
}

/** `aizuchi hours next [--from <ISO-8601>]`: when the business is next open. */
export function hoursCommand(ctx: HoursCommandContext): Command {
  const print = ctx.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const hours = new Command('hours').description('business hours');
  hours
    .command('next')
    .description('print the next open instant (the given instant itself when open), in the business time zone')
    .option('--from <iso>', 'ISO-8601 time to start from (default: now)')
    .action(async (opts: { from?: string }) => {
      const { calendar, clock = systemClock } = await ctx.services();
      const from = opts.from === undefined ? clock.now() : parseFrom(opts.from, calendar.timeZone);
      const next = calendar.nextOpen(from);
      print(DateTime.fromJSDate(next, { zone: calendar.timeZone }).toISO() ?? next.toISOString());
    });
  return hours;
}
