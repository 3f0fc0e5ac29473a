/**
 * What a person may do in the operators' console (issue 12): a `viewer` reads cases, an `operator`
 * also acts on them (approve, cancel, call now), an `admin` also lifts an enrolment freeze and edits
 * settings. Local operator accounts take theirs from console_roles (src/settings/operator-roles.ts).
 */
export const CONSOLE_ROLES = ['viewer', 'operator', 'admin'] as const;
export type ConsoleRole = (typeof CONSOLE_ROLES)[number];

const RANK: Record<ConsoleRole, number> = { viewer: 0, operator: 1, admin: 2 };

/** True when `role` may do what `needed` may. */
export function roleAtLeast(role: ConsoleRole, needed: ConsoleRole): boolean {
  return RANK[role] >= RANK[needed];
}

export function isConsoleRole(value: unknown): value is ConsoleRole {
  return typeof value === 'string' && (CONSOLE_ROLES as readonly string[]).includes(value);
}

/** Group (or role) name at the identity provider → console role. */
export type RoleMap = ReadonlyMap<string, ConsoleRole>;

/**
 * Parses AIZUCHI_OIDC_ROLE_MAP, `group=role,group=role` (e.g. `aizuchi-admins=admin,aizuchi-viewers=viewer`).
 * Throws a plain message naming the bad entry; config.ts wraps it.
 */
export function parseRoleMap(text: string): RoleMap {
  const map = new Map<string, ConsoleRole>();
  for (const entry of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const at = entry.lastIndexOf('=');
    const group = entry.slice(0, at).trim();
    const role = entry.slice(at + 1).trim();
    if (at <= 0 || !group) throw new Error(`"${entry}" is not group=role`);
    if (!isConsoleRole(role)) throw new Error(`"${role}" in "${entry}" is not one of ${CONSOLE_ROLES.join(', ')}`);
    map.set(group, role);
  }
  if (map.size === 0) throw new Error('no group=role entries');
  return map;
}

/**
 * The claim at `path`: a claim of that exact name first (Auth0's namespaced `https://example.com/groups`
 * has dots of its own), else dots walk into objects (Keycloak's `realm_access.roles`).
 */
function claimAt(claims: Record<string, unknown>, path: string): unknown {
  if (path in claims) return claims[path];
  let value: unknown = claims;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * The highest console role any of the person's groups maps to, or null when none does (sign-in is
 * then refused). The claim may be an array of names or one name; anything else counts as no group.
 */
export function roleFromClaims(claims: Record<string, unknown>, claimPath: string, map: RoleMap): ConsoleRole | null {
  const raw = claimAt(claims, claimPath);
  const groups = Array.isArray(raw) ? raw.filter((g): g is string => typeof g === 'string') : typeof raw === 'string' ? [raw] : [];
  let best: ConsoleRole | null = null;
  for (const group of groups) {
    const role = map.get(group);
    if (role && (best === null || roleAtLeast(role, best))) best = role;
  }
  return best;
}
