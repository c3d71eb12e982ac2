/** Roles, each allowed what the ones before it are, and more. */
export const ROLES = ['reader', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return ROLES.includes(value as Role);
}

/** Whether `role` may do what `required` may. */
export function roleAllows(role: Role, required: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(required);
}

/** The highest role among `values`, ignoring anything that is not a role; undefined when none is. */
export function highestRole(values: unknown[]): Role | undefined {
  return values.filter(isRole).sort((a, b) => ROLES.indexOf(b) - ROLES.indexOf(a))[0];
}
