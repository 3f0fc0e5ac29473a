import { parserTestSets, readsRight } from '../src/agent/understanding/test-sets';

export interface SetAccuracy {
  right: number;
  total: number;
  /** right / total, 0..1, three decimals. */
  share: number;
}

/**
 * The parsers' accuracy on the project's own test sets (issue 9): per kind and language ("email ja",
 * "code en", "correction ja", "content_free en" …), the share of cases read right. The sets are the
 * arrays the parser tests iterate, so this says how many of them hold today; printed, never asserted.
 */
export function benchParserAccuracy(): Record<string, SetAccuracy> {
  const out: Record<string, SetAccuracy> = {};
  for (const set of parserTestSets()) {
    const right = set.cases.filter(readsRight).length;
    out[`${set.kind} ${set.lang}`] = { right, total: set.cases.length, share: Math.round((right / set.cases.length) * 1000) / 1000 };
  }
  return out;
}
