import { ApiError, signIn } from '../api';

/** An API error as a sentence, with a way out when the cause is a missing token. */
export function ErrorBanner({ error, prefix, onRetry }: { error: ApiError | undefined; prefix?: string; onRetry?: () => void }) {
  if (!error) return null;
  return (
    <div class="banner banner--error" role="alert">
      <p>
        {prefix && <strong>{prefix} </strong>}
        {error.message}
      </p>
      {error.status === 401 && (
        <button type="button" class="button" onClick={() => signIn().then(() => onRetry?.(), () => undefined)}>
          Enter token
        </button>
      )}
    </div>
  );
}
