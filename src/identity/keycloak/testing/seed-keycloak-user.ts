import type { IdentityContact } from '../../provider';
import type { FakeKeycloak } from './fake-keycloak';

/** Writes a contact where Keycloak keeps it under the default mapping (attributes, first/last name, groups). */
export function seedKeycloakUser(fake: FakeKeycloak, contact: IdentityContact): string {
  const [first, second = ''] = contact.name.split(' ');
  const names = contact.lang === 'ja' ? { lastName: first!, firstName: second } : { firstName: first!, lastName: second };
  const attributes: Record<string, string[]> = { phoneNumber: [contact.phoneE164], locale: [contact.lang] };
  if (contact.nameKana) attributes.nameKana = [contact.nameKana];
  if (contact.nameLatin) attributes.nameLatin = [contact.nameLatin];
  const user = fake.addUser({
    email: contact.email,
    ...names,
    attributes,
    groups: contact.privileged ? ['aizuchi-privileged'] : [],
  });
  user.credentials.push({ id: `otp-${user.id}`, type: 'otp', userLabel: 'iPhone', createdDate: 0 });
  return user.id;
}
