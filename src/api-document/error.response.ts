/** One field of the request and what is wrong with it. */
export class FieldProblemResponse {
  /** The field, as a path into the request: `name`, `params.url`, `limit`. @example "schedule" */
  field: string;
  /** What is wrong with it, for a person to act on. @example "'61 * * * *' is not a valid cron expression: minute must be 0-59 (got 61)" */
  message: string;
}

/** Every error answer of the API. */
export class ErrorResponse {
  /** The HTTP status, repeated. @example 400 */
  statusCode: number;
  /** The status's reason phrase. @example "Bad Request" */
  error: string;
  /** What went wrong and what to do; for a 400 or 409, each field and its problem, `; `-separated. @example "schedule: '61 * * * *' is not a valid cron expression: minute must be 0-59 (got 61)" */
  message: string;
  /** The fields at fault, on a 400 or 409. */
  fields?: FieldProblemResponse[];
}
