import { ConfigModule as NestConfigModule } from '@nestjs/config';
import { validateEnvironment } from './environment';

/** The validated environment, available everywhere as `ConfigService<Environment, true>`. */
export const ConfigModule = NestConfigModule.forRoot({
  isGlobal: true,
  cache: true,
  validate: validateEnvironment,
});
