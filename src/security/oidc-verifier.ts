import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { Principal } from './principal';
import { highestRole } from './roles';
import { TokenRefused } from './token-refused';

/** Signatures by the issuer's public keys only: no `none`, no HMAC (whose key would be the public key). */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const CLOCK_TOLERANCE_SECONDS = 30;

export interface OidcOptions {
  issuer: string;
  audience: string;
  /** The claim, a dotted path such as `realm_access.roles`, holding the role name or a list with one. */
  roleClaim: string;
  /** Where the issuer's keys are; read from its discovery document when unset. */
  jwksUrl?: string;
  /** Least time between two fetches of the keys when a token names a key not seen yet. */
  refetchCooldownMs?: number;
}

const REASONS: Record<string, string> = {
  ERR_JWT_EXPIRED: 'it has expired',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'its signature does not verify',
  ERR_JOSE_ALG_NOT_ALLOWED: 'its signing algorithm is not accepted',
  ERR_JWKS_NO_MATCHING_KEY: 'no key of the issuer matches it',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'no key of the issuer matches it',
  ERR_JWT_INVALID: 'it is not a well-formed JWT',
  ERR_JWS_INVALID: 'it is not a well-formed JWT',
  ERR_JOSE_NOT_SUPPORTED: 'its signing algorithm is not accepted',
};

/**
 * Verifies `Authorization: Bearer <JWT>` against the issuer's JWKS with jose: signature, issuer,
 * audience, expiry and not-before, then maps a claim to a role. The keys are fetched once and
 * cached; a token signed with a key not seen yet fetches them again (at most once per cooldown), so
 * a key rotation needs no restart.
 */
export class OidcVerifier {
  private keys?: Promise<ReturnType<typeof createRemoteJWKSet>>;

  constructor(private readonly options: OidcOptions) {}

  async verify(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await this.keySet(), {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: ALGORITHMS,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      }));
    } catch (error) {
      throw new TokenRefused(401, `the bearer token is not valid: ${reasonOf(error)}`);
    }
    const role = highestRole([claim(payload, this.options.roleClaim)].flat());
    if (!role) throw new TokenRefused(403, `the token carries no role (reader, operator or admin) in its ${this.options.roleClaim} claim`);
    return { name: payload.sub ?? 'unnamed', role, via: 'oidc' };
  }

  private keySet(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    if (!this.keys) {
      this.keys = this.jwksUrl().then((url) =>
        createRemoteJWKSet(new URL(url), { cooldownDuration: this.options.refetchCooldownMs ?? 30_000, cacheMaxAge: 10 * 60_000 }),
      );
      // A failed discovery is tried again by the next request rather than remembered.
      this.keys.catch(() => (this.keys = undefined));
    }
    return this.keys;
  }

  private async jwksUrl(): Promise<string> {
    if (this.options.jwksUrl) return this.options.jwksUrl;
    const discovery = `${this.options.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const response = await fetch(discovery, { signal: AbortSignal.timeout(5_000) });
    const document = (await response.json()) as { issuer?: string; jwks_uri?: string };
    if (!response.ok || typeof document.jwks_uri !== 'string') throw new Error(`${discovery} answered ${response.status} without a jwks_uri`);
    return document.jwks_uri;
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTClaimValidationFailed) return `its ${error.claim} claim is not accepted`;
  if (error instanceof errors.JOSEError) return REASONS[error.code] ?? error.message;
  return `the issuer's keys could not be read (${error instanceof Error ? error.message : String(error)})`;
}

function claim(payload: JWTPayload, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined), payload);
}
