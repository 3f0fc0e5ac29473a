import { maskEmail } from '../domain/phone';
import type { Store } from '../store/connect';

/** Console principal id (account id, or `oidc:<sub>`) → what people read: the name, else the masked address. */
export type OperatorNames = ReadonlyMap<string, string>;

/**
 * Names for the console principals that events and rows store by id (settings saved by, escalation
 * holders, note authors, manual-recovery requesters and approvers, timeline actors): people read
 * names, not UUIDs (issue 10). A local operator's name comes from `accounts`; an SSO operator's from
 * their latest `operator_sso_sessions` row (none left after every session ended: the id stays
 * unnamed). The address is shown masked, as on /console/sessions. Ids it cannot name are left out,
 * so the caller falls back to the id itself.
 */
export function createOperatorNames(store: Store) {
  const label = (name: string | null, email: string | null) => name?.trim() || (email ? maskEmail(email) : null);
  return async function operatorNames(ids: Iterable<string>): Promise<OperatorNames> {
    const wanted = [...new Set(ids)].filter((id) => id !== '');
    const out = new Map<string, string>();
    const local = wanted.filter((id) => !id.startsWith('oidc:'));
    const subjects = wanted.filter((id) => id.startsWith('oidc:')).map((id) => id.slice('oidc:'.length));
    if (local.length > 0) {
      for (const a of await store.db.selectFrom('accounts').select(['id', 'name', 'email']).where('id', 'in', local).execute()) {
        const l = label(a.name, a.email);
        if (l) out.set(a.id, l);
      }
    }
    if (subjects.length > 0) {
      const rows = await store.db
        .selectFrom('operator_sso_sessions')
        .select(['subject', 'name', 'email', 'created_at'])
        .where('subject', 'in', subjects)
        .orderBy('created_at', 'asc')
        .execute();
      // Ascending: the latest session's name wins.
      for (const s of rows) {
        const l = label(s.name, s.email);
        if (l) out.set(`oidc:${s.subject}`, l);
      }
    }
    return out;
  };
}

export type OperatorNamesLookup = ReturnType<typeof createOperatorNames>;
