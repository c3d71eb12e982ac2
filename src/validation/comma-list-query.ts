import { Transform } from 'class-transformer';

/**
 * A query parameter holding a list: "a,b" or the parameter repeated, as an array of its trimmed items;
 * with `integers`, items written in digits become numbers and anything else stays to fail validation.
 */
export const CommaListQuery = ({ integers = false } = {}) =>
  Transform(({ obj, key }: { obj: Record<string, unknown>; key: string }) => {
    const raw: unknown = obj[key];
    const parts: unknown[] = (Array.isArray(raw) ? (raw as unknown[]) : [raw]).flatMap((part) =>
      typeof part === 'string' ? part.split(',').map((item) => item.trim()) : [part],
    );
    return integers ? parts.map((part) => (typeof part === 'string' && /^\d+$/.test(part) ? Number(part) : part)) : parts;
  });
