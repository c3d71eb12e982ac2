/** What the CLI's exit status means, for a CI pipeline (README, "Command line"). */
export const EXIT = {
  ok: 0,
  /** The service could not be reached, or answered with a server error. */
  failed: 1,
  /** Bad arguments or an unreadable file. */
  usage: 2,
  /** The service refused the request: an invalid document (400), an unknown job (404), a conflict (409). */
  refused: 3,
  /** The credentials are missing, wrong or not enough for the request (401, 403). */
  unauthorised: 4,
  /** `apply --dry-run` only: the service differs from the document. */
  changesPending: 5,
} as const;

/** An error the CLI reports in one line and exits with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export function exitCodeOfStatus(status: number): number {
  if (status === 401 || status === 403) return EXIT.unauthorised;
  if (status >= 400 && status < 500) return EXIT.refused;
  return EXIT.failed;
}
