import { useEffect, useState } from 'preact/hooks';
import { setTokenPrompt } from '../api';
import { Dialog } from './Dialog';

interface Pending {
  wrong: boolean;
  resolve: (token: string) => void;
  reject: () => void;
}

/**
 * Asked for by the API client on a 401. The token is kept in sessionStorage: for this tab, until
 * it is closed, never on disk.
 */
export function TokenDialog() {
  const [pending, setPending] = useState<Pending | undefined>();
  const [token, setToken] = useState('');

  useEffect(() => {
    setTokenPrompt((wrong) => new Promise<string>((resolve, reject) => setPending({ wrong, resolve, reject })));
  }, []);

  const submit = (event: Event) => {
    event.preventDefault();
    const value = token.trim();
    if (!value || !pending) return;
    pending.resolve(value);
    setPending(undefined);
    setToken('');
  };
  const cancel = () => {
    pending?.reject();
    setPending(undefined);
  };

  return (
    <Dialog open={pending !== undefined} title="API token needed" onClose={cancel}>
      <form onSubmit={submit} class="stack">
        <p>
          {pending?.wrong
            ? 'The service did not accept that token. Enter another one.'
            : 'This service asks for a bearer token. It is kept for this browser tab only, until you close it.'}
        </p>
        <div class="field">
          <label for="api-token">API token</label>
          <input
            id="api-token"
            type="password"
            autoComplete="off"
            required
            value={token}
            onInput={(event) => setToken(event.currentTarget.value)}
          />
        </div>
        <div class="actions">
          <button type="submit" class="button button--primary">
            Continue
          </button>
          <button type="button" class="button" onClick={cancel}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
