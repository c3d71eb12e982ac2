/**
 * PostgreSQL cannot store the NUL character in text or jsonb, so input carrying one must be refused
 * up front. Returns the path of the first string (or key) that holds one.
 */
export function pathWithNulCharacter(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const itemPath = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    if (key.includes('\u0000')) return itemPath;
    const found = pathWithNulCharacter(item, itemPath);
    if (found) return found;
  }
  return undefined;
}
