import type { OperatorRoles } from '../settings';
import type { IdentityService } from '../identity/service';

/** Demo people for a first look; created once, left alone on later starts. */
export const DEMO_ACCOUNTS = {
  customer: {
    email: 'matty@gmail.com',
    password: 'correct horse battery',
    name: '猪股 太郎',
    nameKana: 'イノマタ タロウ',
    nameLatin: 'Taro Inomata',
    phone: '090-1234-5678',
    lang: 'ja' as const,
  },
  operator: {
    email: 'operator@aizuchi.localhost',
    password: 'operator password',
    name: 'Operator',
    phone: '03-1234-5678',
    lang: 'en' as const,
  },
};

export interface DemoSeedResult {
  created: string[];
  customerOtpauthUri?: string;
  /** Operators cannot sign in without MFA (issue 7, finding 1), so the demo operator has it too. */
  operatorOtpauthUri?: string;
}

/** The demo operator is an admin (they try every console page); `roles` stores it, audited as the demo seed's change. */
export async function seedDemo(identity: IdentityService, roles?: Pick<OperatorRoles, 'setRole'>): Promise<DemoSeedResult> {
  const created: string[] = [];
  let customerOtpauthUri: string | undefined;
  let operatorOtpauthUri: string | undefined;
  const { customer, operator } = DEMO_ACCOUNTS;
  if (!(await identity.findAccountByEmail(customer.email))) {
    const res = await identity.createAccount({ ...customer, mfa: true, role: 'customer' });
    customerOtpauthUri = res.otpauthUri;
    created.push(customer.email);
  }
  if (!(await identity.findAccountByEmail(operator.email))) {
    const made = await identity.createAccount({ ...operator, mfa: true, role: 'operator' });
    operatorOtpauthUri = made.otpauthUri;
    await roles?.setRole(made.account.id, 'admin', 'demo-seed');
    created.push(operator.email);
  }
  return { created, customerOtpauthUri, operatorOtpauthUri };
}
