import { IsBoolean, IsOptional } from 'class-validator';
import { BooleanQuery } from '../../validation/boolean-query';

export class ApplyQuery {
  /** Answer the plan without changing anything. */
  @IsOptional()
  @BooleanQuery()
  @IsBoolean()
  dryRun: boolean = false;

  /** Also delete the jobs the document does not name. */
  @IsOptional()
  @BooleanQuery()
  @IsBoolean()
  prune: boolean = false;
}
