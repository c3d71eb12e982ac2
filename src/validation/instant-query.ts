import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsDate, IsOptional } from 'class-validator';

/** An optional ISO-8601 instant of a list's query, such as `?from=` and `?to=`. */
export const IsInstantQuery = () =>
  applyDecorators(IsOptional(), Type(() => Date), IsDate({ message: 'must be an ISO-8601 date-time such as 2026-03-07T00:00:00Z' }));
