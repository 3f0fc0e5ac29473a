import { describe, expect, it } from 'vitest';
import { parseRoleMap, roleAtLeast, roleFromClaims } from './console-roles';

describe('console roles from group claims', () => {
  const map = parseRoleMap('aizuchi-admins=admin, aizuchi-operators=operator,aizuchi-viewers=viewer');

  it('takes the highest role any group maps to, and none for unmapped groups', () => {
    expect(roleFromClaims({ groups: ['staff', 'aizuchi-viewers', 'aizuchi-operators'] }, 'groups', map)).toBe('operator');
    expect(roleFromClaims({ groups: ['aizuchi-admins', 'aizuchi-viewers'] }, 'groups', map)).toBe('admin');
    expect(roleFromClaims({ groups: ['staff'] }, 'groups', map)).toBeNull();
    expect(roleFromClaims({}, 'groups', map)).toBeNull();
    expect(roleFromClaims({ groups: 'aizuchi-viewers' }, 'groups', map)).toBe('viewer');
    expect(roleFromClaims({ groups: [{ name: 'aizuchi-admins' }] }, 'groups', map)).toBeNull();
  });

  it('walks a dotted claim path (Keycloak realm roles)', () => {
    expect(roleFromClaims({ realm_access: { roles: ['aizuchi-operators'] } }, 'realm_access.roles', map)).toBe('operator');
    expect(roleFromClaims({ realm_access: 'x' }, 'realm_access.roles', map)).toBeNull();
    expect(roleFromClaims({ 'https://corp.example/groups': ['aizuchi-admins'] }, 'https://corp.example/groups', map)).toBe('admin');
  });

  it('orders viewer < operator < admin', () => {
    expect([roleAtLeast('viewer', 'operator'), roleAtLeast('operator', 'operator'), roleAtLeast('admin', 'operator')]).toEqual([
      false,
      true,
      true,
    ]);
  });

  it('refuses a map with an unknown role or a malformed entry, naming it', () => {
    expect(() => parseRoleMap('aizuchi-admins=root')).toThrow('"root" in "aizuchi-admins=root" is not one of viewer, operator, admin');
    expect(() => parseRoleMap('just-a-group')).toThrow('"just-a-group" is not group=role');
    expect(() => parseRoleMap(' , ')).toThrow('no group=role entries');
  });
});
