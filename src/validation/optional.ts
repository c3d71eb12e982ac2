import { ValidateIf } from 'class-validator';

/**
 * An optional field that, when present, must be valid: unlike class-validator's IsOptional, null
 * is not taken as absent, so `{"maxAttempts": null}` is refused rather than written as null.
 */
export const Optional = () => ValidateIf((_, value) => value !== undefined);

/** An optional field that may also be set to null explicitly. */
export const OptionalNullable = () => ValidateIf((_, value) => value !== undefined && value !== null);
