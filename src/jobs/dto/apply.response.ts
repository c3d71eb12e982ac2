import { ApiProperty } from '@nestjs/swagger';
import type { Role } from '../../security/roles';
import type { FieldChange } from '../document/apply-plan';

export class JobChanges {
  /** @example "Nightly backup" */
  name: string;
  @ApiProperty({
    description: "Each field that differs, from its current value to the document's.",
    additionalProperties: {
      type: 'object',
      description: "A field's current value and the document's, each any JSON value.",
      properties: { from: { description: 'The current value.' }, to: { description: "The document's value." } },
      required: ['from', 'to'],
    },
    example: { schedule: { from: '0 2 * * *', to: '0 3 * * *' } },
  })
  changes: Record<string, FieldChange>;
}

/** What an apply did, or with dryRun would do: job names by outcome. */
export class ApplyResponse {
  /** True when nothing was changed. */
  dryRun: boolean;
  /** The least role that may apply this document here: admin, or operator when it only pauses or resumes. @example "admin" */
  requiredRole: Role;
  /** @example ["Nightly backup"] */
  created: string[];
  changed: JobChanges[];
  /** Jobs the document does not name, deleted with prune. @example [] */
  deleted: string[];
  /** @example ["Daily report"] */
  unchanged: string[];
}
