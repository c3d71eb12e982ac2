/** What a redacted value is replaced with; inside a URL, the same word without brackets keeps it a URL. */
export const REDACTED = '[redacted]';
const REDACTED_IN_URL = 'redacted';

/** Keys whose value is a secret wherever they appear: `password`, `clientSecret`, `X-Api-Key`, `refresh_token`… */
const SECRET_NAME = /pass(word|phrase|wd)?|pwd|secret|token|api[-_]?key|auth|cookie|credential|private[-_]?key|signature|session/i;

/** Keys whose every value is taken as a secret: request headers, a command's environment, a request body. */
const ALL_VALUES_SECRET = new Set(['headers', 'env', 'body']);

const ABSOLUTE_URL = /^[a-z][a-z\d+.-]*:\/\/\S+$/i;

export function isSecretName(key: string): boolean {
  return SECRET_NAME.test(key);
}

/**
 * A copy of `value` with its secrets replaced by REDACTED, at any depth: the value of any key named
 * like a secret, every value under `headers`, `env` and `body` (their keys are kept), and the
 * userinfo and query values of any string that is a URL. The one rule set for logs, the cache and
 * responses to roles that may not see secrets.
 */
export function redactSecrets<T>(value: T): T {
  return walk(value, { changed: false }) as T;
}

/** Whether `redactSecrets` would change anything in `value`. */
export function holdsSecrets(value: unknown): boolean {
  const found = { changed: false };
  walk(value, found);
  return found.changed;
}

interface Changes {
  changed: boolean;
}

function walk(value: unknown, changes: Changes): unknown {
  if (typeof value === 'string') return redactUrl(value, changes);
  if (Array.isArray(value)) return value.map((item) => walk(item, changes));
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => {
      if (isSecretName(key)) return [key, replaced(item, changes)];
      if (ALL_VALUES_SECRET.has(key)) return [key, everyValueReplaced(item, changes)];
      return [key, walk(item, changes)];
    }),
  );
}

/** The same shape with every string, number and boolean replaced: an object's keys say little, its values may say much. */
function everyValueReplaced(value: unknown, changes: Changes): unknown {
  if (Array.isArray(value)) return value.map((item) => everyValueReplaced(item, changes));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, everyValueReplaced(item, changes)]));
  return replaced(value, changes);
}

function replaced(value: unknown, changes: Changes): unknown {
  if (value === null || value === undefined || value === REDACTED) return value;
  changes.changed = true;
  return REDACTED;
}

/** `https://user:pass@host/path?key=abc` → `https://redacted@host/path?key=redacted`; any other text as it is. */
function redactUrl(text: string, changes: Changes): string {
  if (!ABSOLUTE_URL.test(text)) return text;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return text;
  }
  const hasUserinfo = url.username !== '' || url.password !== '';
  const query = url.search.slice(1);
  if (!hasUserinfo && query === '') return text;
  changes.changed = true;
  const userinfo = hasUserinfo ? `${REDACTED_IN_URL}@` : '';
  const redactedQuery = query
    .split('&')
    .map((part) => {
      const equals = part.indexOf('=');
      return equals === -1 ? REDACTED_IN_URL : `${part.slice(0, equals)}=${REDACTED_IN_URL}`;
    })
    .join('&');
  return `${url.protocol}//${userinfo}${url.host}${url.pathname}${query ? `?${redactedQuery}` : ''}${url.hash}`;
}

/** Objects whose own fields are their content: plain JSON, or a response class such as JobResponse (copied as a plain object). */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !(value instanceof Date);
}
