import type { IdentityService } from '../identity/service';

/** Demo people for a first look; created once, left alone on later starts. */
export const DEMO_ACCOUNTS = {
  customer: { email: 'matty@gmail.com', password: 'correct horse battery', name: '猪股 太郎', phone: '090-1234-5678', lang: 'ja' as const },
  operator: { email: 'operator@aizuchi.localhost', password: 'operator password', name: 'Operator', phone: '03-1234-5678', lang: 'en' as const },
};

export interface DemoSeedResult {
  created: string[];
  customerOtpauthUri?: string;
}

export async function seedDemo(identity: IdentityService): Promise<DemoSeedResult> {
  const created: string[] = [];
  let customerOtpauthUri: string | undefined;
  const { customer, operator } = DEMO_ACCOUNTS;
  if (!(await identity.findAccountByEmail(customer.email))) {
    const res = await identity.createAccount({ ...customer, mfa: true, role: 'customer' });
    customerOtpauthUri = res.otpauthUri;
    created.push(customer.email);
  }
  if (!(await identity.findAccountByEmail(operator.email))) {
    await identity.createAccount({ ...operator, mfa: false, role: 'operator' });
    created.push(operator.email);
  }
  return { created, customerOtpauthUri };
}
