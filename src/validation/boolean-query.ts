import { Transform } from 'class-transformer';

/** Query strings carry text: "true" and "false" become booleans, anything else stays to fail validation. */
export const BooleanQuery = () =>
  Transform(({ obj, key }: { obj: Record<string, unknown>; key: string }) => {
    const raw = obj[key];
    if (raw === 'true') return true;
    if (raw === 'false') return false;
    return raw;
  });
