import { createHash } from 'node:crypto';
import { commaSeparated } from '../config/comma-separated';
import type { FieldProblem } from '../validation/field-problems';
import { isRole, type Role, ROLES } from './roles';

/** A configured bearer token: only its SHA-256 digest is kept. */
export interface ApiKey {
  name: string;
  role: Role;
  digest: Buffer;
}

const DIGEST_PREFIX = 'sha256:';
const KEY_NAME = /^[\w.@-]{1,100}$/;

export const sha256 = (value: string): Buffer => createHash('sha256').update(value).digest();

const ordinal = (index: number) => `entry ${index + 1}`;

/** `sha256:<64 hex digits>` is a digest given as is; anything else is the token itself. */
function digestOf(token: string): Buffer | string {
  if (!token.startsWith(DIGEST_PREFIX)) return sha256(token);
  const hex = token.slice(DIGEST_PREFIX.length);
  return /^[\da-f]{64}$/i.test(hex) ? Buffer.from(hex, 'hex') : `a ${DIGEST_PREFIX} digest must be 64 hexadecimal digits`;
}

/**
 * The bearer tokens of API_TOKENS (each an admin, named `api-token-<first digits of its digest>`)
 * and API_KEYS (`name:role:token`, comma-separated). A token may be given as `sha256:<hex>`, the
 * digest of the token clients send, so that it need not sit in the environment in clear.
 * Problems name the entry, never its token.
 */
export function parseApiKeys(apiTokens: string | undefined, apiKeys: string | undefined): { keys: ApiKey[]; problems: FieldProblem[] } {
  const keys: ApiKey[] = [];
  const problems: FieldProblem[] = [];
  const tokens = commaSeparated(apiTokens);
  if (apiTokens !== undefined && tokens.length === 0) problems.push({ field: 'API_TOKENS', message: 'is set but holds no token' });
  tokens.forEach((token, index) => {
    const digest = digestOf(token);
    if (typeof digest === 'string') problems.push({ field: 'API_TOKENS', message: `${ordinal(index)}: ${digest}` });
    else keys.push({ name: `api-token-${digest.toString('hex').slice(0, 8)}`, role: 'admin', digest });
  });
  const entries = commaSeparated(apiKeys);
  if (apiKeys !== undefined && entries.length === 0) problems.push({ field: 'API_KEYS', message: 'is set but holds no key' });
  entries.forEach((entry, index) => {
    const [name, role, ...rest] = entry.split(':');
    const token = rest.join(':');
    const digest = digestOf(token);
    const problem =
      rest.length === 0 ? 'must be name:role:token'
      : !KEY_NAME.test(name) ? 'the name must be 1-100 letters, digits, ".", "@", "-" or "_"'
      : !isRole(role) ? `the role must be one of ${ROLES.join(', ')}`
      : token === '' ? 'the token is empty'
      : typeof digest === 'string' ? digest
      : keys.some((key) => key.name === name) ? `the name ${name} is used twice`
      : undefined;
    if (problem) problems.push({ field: 'API_KEYS', message: `${ordinal(index)}: ${problem}` });
    else keys.push({ name, role: role as Role, digest: digest as Buffer });
  });
  return { keys, problems };
}
