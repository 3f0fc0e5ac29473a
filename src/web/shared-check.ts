/**
 * One check shared by every caller within `ttlMs`: the first call starts it, calls while it runs or
 * until `ttlMs` after it started get the same promise (its result or its failure). For /readyz, which
 * anyone may ask: a flood of probes then costs one database query per second, not one each (probes
 * from a load balancer or Kubernetes come every few seconds, so none sees a stale answer for long).
 * `now` is in ms (tests pass their own).
 */
export function sharedCheck(check: () => Promise<void>, ttlMs: number, now: () => number = () => performance.now()): () => Promise<void> {
  let last: { at: number; result: Promise<void> } | null = null;
  return () => {
    const at = now();
    if (!last || at - last.at >= ttlMs) {
      const result = check();
      result.catch(() => undefined); // each caller handles the failure; none is left unhandled here
      last = { at, result };
    }
    return last.result;
  };
}
