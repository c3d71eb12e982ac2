import { ValidateBy, type ValidationOptions } from 'class-validator';

/** An object whose values are all strings, such as HTTP headers or environment variables. */
export const IsStringRecord = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isStringRecord',
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' && value !== null && Object.values(value).every((item) => typeof item === 'string'),
        defaultMessage: () => 'must be an object whose values are strings',
      },
    },
    options,
  );
