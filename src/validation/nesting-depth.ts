/** Deeper than any real job needs, and far from where recursive walks (class-transformer's too) overflow the stack. */
export const MAX_NESTING_DEPTH = 32;

/**
 * The top-level field under which `value` nests objects or arrays deeper than `max`, if any.
 * Walked with an explicit stack, so that a hostile body cannot overflow the call stack here.
 */
export function fieldNestedTooDeep(value: unknown, max = MAX_NESTING_DEPTH): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [field, item] of Object.entries(value)) {
    const stack: { node: unknown; depth: number }[] = [{ node: item, depth: 1 }];
    while (stack.length > 0) {
      const { node, depth } = stack.pop() as { node: unknown; depth: number };
      if (typeof node !== 'object' || node === null) continue;
      if (depth > max) return field;
      for (const child of Object.values(node)) stack.push({ node: child, depth: depth + 1 });
    }
  }
  return undefined;
}
