import { describe, expect, it } from 'vitest';
import { createBusinessCalendar } from '../../domain/calendar/calendar';
import { CliError } from '../cli-error';
import { hoursCommand } from './hours';

function run(args: string[], now = new Date('2026-11-28T03:00:00Z'), timeZone = 'Asia/Tokyo') {
  const lines: string[] = [];
  const cmd = hoursCommand({
    services: async () => ({ calendar: createBusinessCalendar({ timeZone }), clock: { now: () => now } }),
    print: (line) => lines.push(line),
  });
  cmd.exitOverride();
  return cmd.parseAsync(args, { from: 'user' }).then(() => lines);
}

describe('aizuchi hours next', () => {
  it('prints the next opening with the business zone offset', async () => {
    expect(await run(['next', '--from', '2026-11-27T10:00:00Z'])).toEqual(['2026-11-30T09:00:00.000+09:00']);
  });

  it('prints the instant itself when open', async () => {
    expect(await run(['next', '--from', '2026-11-30T01:30:00.250Z'])).toEqual(['2026-11-30T10:30:00.250+09:00']);
  });

  it('reads a time without offset as business-zone wall clock', async () => {
    expect(await run(['next', '--from', '2026-11-30T08:00'])).toEqual(['2026-11-30T09:00:00.000+09:00']);
  });

  it('defaults --from to the clock', async () => {
    // 2026-11-28T03:00Z is Saturday noon in Tokyo.
    expect(await run(['next'])).toEqual(['2026-11-30T09:00:00.000+09:00']);
  });

  it('uses the zone offset in force at the answer (New York, after DST ends)', async () => {
    expect(await run(['next', '--from', '2026-10-30T23:00:00Z'], undefined, 'America/New_York')).toEqual(['2026-11-02T09:00:00.000-05:00']);
  });

  it('rejects a bad --from with a one-line CliError', async () => {
    const err = await run(['next', '--from', 'next tuesday']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as Error).message).toMatch(/^--from: "next tuesday" is not an ISO-8601 time/);
    expect((err as Error).message).not.toContain('\n');
  });
});
