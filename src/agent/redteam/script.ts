import type { Lang } from '../../domain/lang';
import type { FakePortOptions } from '../testing/fake-port';
import type { CallContext, Outcome } from '../types';

/** One caller move in a scripted call. `redial` starts a fresh call against the same account state. */
export type ScriptTurn = string | { dtmf: string } | { silenceMs: number } | { hangup: true } | { redial: true };

export interface RedTeamScript {
  name: string;
  lang: Lang;
  turns: readonly ScriptTurn[];
  context?: Partial<CallContext>;
  port?: Partial<FakePortOptions>;
  /** Acceptable outcomes of the last call, when the script pins one down. */
  outcomes?: readonly Outcome[];
}
