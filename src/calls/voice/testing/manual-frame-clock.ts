import type { FrameClock } from '../frame-clock';

/** Test clock: nothing happens until the test calls tick(); every tick is on time. */
export class ManualFrameClock implements FrameClock {
  private readonly subscribers = new Set<(lateMs: number) => void>();
  ticks = 0;

  subscribe(onTick: (lateMs: number) => void): () => void {
    this.subscribers.add(onTick);
    return () => this.subscribers.delete(onTick);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  tick(count = 1): void {
    for (let i = 0; i < count; i++) {
      this.ticks++;
      for (const fn of [...this.subscribers]) fn(0);
    }
  }
}
