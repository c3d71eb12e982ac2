/** A job type and whether this service accepts new jobs of it. */
export class JobTypeResponse {
  /** @example "shell" */
  type: string;
  /** False when this service refuses the type (shell without SHELL_JOBS_ENABLED). */
  available: boolean;
  /** Why it is refused, when it is; null otherwise. @example null */
  unavailableReason: string | null;
}
