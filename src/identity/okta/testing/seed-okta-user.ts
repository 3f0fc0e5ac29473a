import type { IdentityContact } from '../../provider';
import type { FakeOkta } from './fake-okta';

/** Writes a contact where Okta keeps it under the default mapping (mobilePhone, locale, first/last name, groups) with a TOTP factor. */
export function seedOktaUser(fake: FakeOkta, contact: IdentityContact): string {
  const [first, second = ''] = contact.name.split(' ');
  const names = contact.lang === 'ja' ? { lastName: first!, firstName: second } : { firstName: first!, lastName: second };
  const user = fake.addUser({
    email: contact.email,
    profile: {
      ...names,
      mobilePhone: contact.phoneE164,
      locale: contact.lang === 'ja' ? 'ja_JP' : 'en_US',
      nameKana: contact.nameKana ?? null,
      nameLatin: contact.nameLatin ?? null,
    },
    groups: contact.privileged ? ['aizuchi-privileged'] : [],
  });
  user.factors.push({ id: `uft${user.id.slice(3)}`, factorType: 'token:software:totp', provider: 'GOOGLE', status: 'ACTIVE' });
  return user.id;
}
