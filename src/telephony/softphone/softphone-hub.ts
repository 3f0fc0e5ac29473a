/**
 * What the hub needs of an open line: its case and a way to make it look again. Declared here, not
 * imported from softphone-line, because the line already imports (through softphone-calls) the hub.
 */
export interface PokeableLine {
  readonly caseId: string;
  poke(): void;
}

/**
 * The open softphone pages in this process, by case, so a dialer in the same process can make them
 * ring at once instead of at their next poll. Pages in other processes still find the call by polling.
 */
export interface SoftphoneHub {
  add(line: PokeableLine): void;
  remove(line: PokeableLine): void;
  poke(caseId: string): void;
  openLines(): number;
}

export function createSoftphoneHub(): SoftphoneHub {
  const byCase = new Map<string, Set<PokeableLine>>();
  return {
    add(line) {
      const set = byCase.get(line.caseId) ?? new Set();
      set.add(line);
      byCase.set(line.caseId, set);
    },
    remove(line) {
      const set = byCase.get(line.caseId);
      set?.delete(line);
      if (set?.size === 0) byCase.delete(line.caseId);
    },
    poke(caseId) {
      for (const line of byCase.get(caseId) ?? []) line.poke();
    },
    openLines: () => [...byCase.values()].reduce((n, s) => n + s.size, 0),
  };
}
