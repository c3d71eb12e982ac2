/** Why a run's AbortSignal fired. Only a timeout ends the run here; a cancel has ended it already, the others hand it elsewhere. */
export class RunInterruption extends Error {
  constructor(
    readonly kind: 'timeout' | 'lease_lost' | 'shutdown' | 'cancelled',
    message: string,
  ) {
    super(message);
    this.name = 'RunInterruption';
  }
}
