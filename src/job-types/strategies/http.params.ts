import { ArrayMaxSize, ArrayMinSize, IsIn, IsInt, IsObject, IsOptional, IsUrl, Max, Min } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsStringRecord } from './is-string-record';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** The parameters of an http job. */
export class HttpParams {
  /** @example "https://example.com/hooks/nightly" */
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  url: string;

  @IsOptional()
  @IsIn(METHODS)
  method: (typeof METHODS)[number] = 'GET';

  /** Request headers; redacted in logs. */
  @IsOptional()
  @IsObject()
  @IsStringRecord()
  headers: Record<string, string> = {};

  /** Sent as is when a string, as JSON otherwise. */
  @ApiPropertyOptional({ oneOf: [{ type: 'string' }, { type: 'object' }, { type: 'array', items: {} }, { type: 'number' }, { type: 'boolean' }] })
  @IsOptional()
  body?: unknown;

  /** Statuses that count as success; any 2xx when omitted. */
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsInt({ each: true })
  @Min(100, { each: true })
  @Max(599, { each: true })
  expectedStatus?: number[];
}
