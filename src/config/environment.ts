import { plainToInstance, Transform } from 'class-transformer';
import { toFieldProblems } from '../validation/field-problems';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, validateSync } from 'class-validator';

/** Implicit conversion would turn the string "false" into true, so booleans read the raw value. */
const toBoolean = ({ obj, key }: { obj: Record<string, unknown>; key: string }) => {
  const raw = obj[key];
  if (raw === true || raw === 'true' || raw === '1') return true;
  if (raw === false || raw === 'false' || raw === '0') return false;
  return raw;
};

/** Every environment variable the service reads, with its default. README.md lists them for operators. */
export class Environment {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3000;

  @IsString()
  HOST: string = '0.0.0.0';

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgresql:// connection URL' })
  DATABASE_URL?: string;

  @IsString()
  EMBEDDED_DATABASE_DIR: string = '.data/postgres';

  @IsBoolean()
  @Transform(toBoolean)
  MIGRATE_ON_START: boolean = true;

  @IsInt()
  @Min(1)
  @Max(500)
  DATABASE_POOL_SIZE: number = 10;

  @IsIn(['fatal', 'error', 'warn', 'log', 'debug', 'verbose'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose' = 'log';

  @IsInt()
  @Min(1024)
  BODY_LIMIT_BYTES: number = 1_048_576;

  @IsBoolean()
  @Transform(toBoolean)
  SHELL_JOBS_ENABLED: boolean = false;
}

/**
 * Reads and validates the environment once, at start-up. A bad value stops the process with a
 * message that names each offending variable.
 */
export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const defined = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined && value !== ''));
  const environment = plainToInstance(Environment, defined, { enableImplicitConversion: true, exposeDefaultValues: true });
  const errors = validateSync(environment, { skipMissingProperties: false });
  if (errors.length > 0) {
    const problems = toFieldProblems(errors).map(
      ({ field, message }) => `${field}=${JSON.stringify(defined[field])}: ${message}`,
    );
    throw new Error(`Invalid environment configuration:\n  ${problems.join('\n  ')}`);
  }
  return environment;
}
