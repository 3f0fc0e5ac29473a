import { AUDIT_CHAIN_LOCK } from '../audit/audit-log';
import { appendSystemEvent } from '../audit/system-events';
import type { Clock } from '../domain/clock';
import { type ConsoleRole, isConsoleRole } from '../domain/console-roles';
import type { Store } from '../store/connect';
import { writeTransaction } from '../store/write-transaction';

/** The audit chain's system event for a role change: data `{actorId, operatorId, from, to}`. */
export const OPERATOR_ROLE_CHANGED_EVENT = 'operator_role_changed';

/**
 * New local operators start as `operator`: they act on cases but change no policy; an admin is
 * named deliberately (`aizuchi operators role`). Accounts from before migration 015 got `admin` there.
 */
export const DEFAULT_LOCAL_ROLE: ConsoleRole = 'operator';

/** Local operators' console roles (console_roles, migration 015); SSO operators' come from their groups. */
export interface OperatorRoles {
  /** The role of a local operator account id: its stored role, else DEFAULT_LOCAL_ROLE. */
  roleOf(operatorId: string): Promise<ConsoleRole>;
  /**
   * Stores `role` and appends an OPERATOR_ROLE_CHANGED_EVENT (old → new, by `actorId`) in one write
   * transaction; no event when the role is unchanged. Returns the old and new role.
   */
  setRole(operatorId: string, role: ConsoleRole, actorId: string): Promise<{ from: ConsoleRole; to: ConsoleRole }>;
}

export function createOperatorRoles(deps: { store: Store; clock: Clock }): OperatorRoles {
  const { store, clock } = deps;
  const stored = (value: string | undefined): ConsoleRole => (isConsoleRole(value) ? value : DEFAULT_LOCAL_ROLE);
  return {
    async roleOf(operatorId) {
      const row = await store.db.selectFrom('console_roles').select('role').where('operator_id', '=', operatorId).executeTakeFirst();
      return stored(row?.role);
    },
    setRole(operatorId, role, actorId) {
      return writeTransaction(
        store,
        async (trx) => {
          const row = await trx.selectFrom('console_roles').select('role').where('operator_id', '=', operatorId).executeTakeFirst();
          const from = stored(row?.role);
          if (row && from === role) return { from, to: role };
          const at = clock.now();
          const values = { role, updated_at: at.toISOString(), updated_by: actorId };
          if (row) await trx.updateTable('console_roles').set(values).where('operator_id', '=', operatorId).execute();
          else
            await trx
              .insertInto('console_roles')
              .values({ operator_id: operatorId, ...values })
              .execute();
          await appendSystemEvent(trx, store.dialect, {
            kind: OPERATOR_ROLE_CHANGED_EVENT,
            actorId,
            data: { operatorId, from, to: role },
            at,
          });
          return { from, to: role };
        },
        AUDIT_CHAIN_LOCK,
      );
    },
  };
}
