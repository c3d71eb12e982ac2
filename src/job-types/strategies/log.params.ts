import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

/** The parameters of a log job. */
export class LogParams {
  /** The line to write; defaults to the job's name. */
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  message?: string;

  @IsOptional()
  @IsIn(['log', 'warn', 'debug'])
  level: 'log' | 'warn' | 'debug' = 'log';
}
