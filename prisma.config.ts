import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  // Only the CLI's migrate commands use it (`npx prisma migrate deploy`); the service reads DATABASE_URL itself.
  datasource: { url: process.env.DATABASE_URL ?? '' },
});
