import crypto from 'node:crypto';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../../audit/audit-log';
import { SYSTEM_CASE_ID, recentSystemEvents } from '../../audit/system-events';
import { type IdentityService, createIdentityService } from '../../identity/service';
import { type TestStore, openSqliteTestStore } from '../../identity/test-stores';
import { createLogger } from '../../observability/logger';
import { deriveKeys } from '../../security/keys';
import { OPERATOR_ROLE_CHANGED_EVENT, type OperatorRoles, createOperatorRoles } from '../../settings';
import { CliError } from '../cli-error';
import { operatorsCommand } from './operators';

describe('aizuchi operators role', () => {
  let testStore: TestStore;
  let identity: IdentityService;
  let operatorRoles: OperatorRoles;
  let lines: string[];
  let program: Command;
  const clock = { now: () => new Date('2035-12-03T01:00:00Z') };

  beforeEach(async () => {
    testStore = await openSqliteTestStore();
    identity = createIdentityService({
      store: testStore.store,
      keys: deriveKeys(crypto.randomBytes(32)),
      clock,
      logger: createLogger('silent'),
      limits: { loginFailuresPer15Min: 5 },
    });
    operatorRoles = createOperatorRoles({ store: testStore.store, clock });
    lines = [];
    program = new Command('aizuchi').exitOverride();
    program.addCommand(operatorsCommand({ services: async () => ({ identity, operatorRoles }), print: (l) => lines.push(l) }));
  });
  afterEach(async () => {
    await testStore.dispose();
  });

  const run = (...args: string[]) => program.parseAsync(['node', 'aizuchi', 'operators', 'role', ...args]);
  const account = (email: string, role: 'operator' | 'customer') =>
    identity.createAccount({ email, password: 'operator password', name: 'Op', phone: '03-1234-5678', role, mfa: true });

  it('a new operator is an operator; the command makes them admin, says so masked, and the chain records old → new by cli', async () => {
    const { account: op } = await account('hanako@example.com', 'operator');
    expect(await operatorRoles.roleOf(op.id)).toBe('operator');

    await run('hanako@example.com', 'admin');
    expect(await operatorRoles.roleOf(op.id)).toBe('admin');
    expect(lines).toEqual(['h***@example.com: operator → admin']);
    const [event] = await recentSystemEvents(testStore.store, 5, OPERATOR_ROLE_CHANGED_EVENT);
    expect(event!.caseId).toBe(SYSTEM_CASE_ID);
    expect(JSON.parse(event!.data)).toEqual({ actorId: 'cli', operatorId: op.id, from: 'operator', to: 'admin' });
    expect((await verifyAuditLog(testStore.store)).ok).toBe(true);

    await run('hanako@example.com', 'admin');
    expect(lines[1]).toBe('h***@example.com: already admin');
    expect(await recentSystemEvents(testStore.store, 5, OPERATOR_ROLE_CHANGED_EVENT)).toHaveLength(1);
    await run('hanako@example.com', 'viewer');
    expect(await operatorRoles.roleOf(op.id)).toBe('viewer');
  });

  it('refuses an unknown role, an unknown email and a customer account, changing nothing', async () => {
    const { account: customer } = await account('taro@example.com', 'customer');
    await expect(run('taro@example.com', 'owner')).rejects.toThrow(CliError);
    await expect(run('nobody@example.com', 'admin')).rejects.toMatchObject({ exitCode: 1 });
    await expect(run('taro@example.com', 'admin')).rejects.toMatchObject({ exitCode: 1 });
    expect(await operatorRoles.roleOf(customer.id)).toBe('operator');
    expect(await recentSystemEvents(testStore.store, 5, OPERATOR_ROLE_CHANGED_EVENT)).toEqual([]);
  });
});
