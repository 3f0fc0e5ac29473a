/** Time as a dependency, so tests decide what "now" is. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function isoUtc(d: Date): string {
  return d.toISOString();
}
