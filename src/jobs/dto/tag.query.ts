import { IsTag } from '../../validation/tag';

/** The jobs a bulk action applies to: those carrying the tag. */
export class TagQuery {
  /** @example "billing" */
  @IsTag()
  tag: string;
}
