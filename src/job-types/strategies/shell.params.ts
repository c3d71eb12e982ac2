import { ArrayMaxSize, IsArray, IsObject, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { IsStringRecord } from './is-string-record';

/** The parameters of a shell job. */
export class ShellParams {
  /** The program to run, found on PATH; no shell is involved. @example "/usr/bin/pg_dump" */
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  command: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  args: string[] = [];

  @IsOptional()
  @IsString()
  cwd?: string;

  /** The command's environment, on top of PATH, HOME and LANG (which it may override); nothing of the service's own. */
  @IsOptional()
  @IsObject()
  @IsStringRecord()
  env: Record<string, string> = {};
}
