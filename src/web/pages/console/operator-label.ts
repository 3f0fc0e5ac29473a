import type { OperatorNames } from '../../../settings/operator-names';

export type { OperatorNames };

/**
 * A console principal as people read it (issue 10): "you" for the signed-in one, else the name from
 * `names` (settings/operator-names.ts: the name, or the masked address), else the stored id, which
 * is all there is for an SSO operator whose every session has ended.
 */
export function operatorLabel(id: string, names: OperatorNames | undefined, you?: { me: string; word: string }): string {
  if (you && id === you.me) return you.word;
  return names?.get(id) ?? id;
}
