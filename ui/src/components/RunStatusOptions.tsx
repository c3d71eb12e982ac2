import { RUN_STATUSES } from '../types';
import { statusLabel } from './StatusBadge';

/** One <option> per run status, for the selects that filter by one. */
export function RunStatusOptions() {
  return (
    <>
      {RUN_STATUSES.map((status) => (
        <option value={status} key={status}>
          {statusLabel(status)}
        </option>
      ))}
    </>
  );
}
