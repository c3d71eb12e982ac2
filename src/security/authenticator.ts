import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { timingSafeEqual } from 'node:crypto';
import type { Environment } from '../config/environment';
import { type ApiKey, parseApiKeys, sha256 } from './api-keys';
import { OidcVerifier } from './oidc-verifier';
import { TokenRefused } from './token-refused';
import type { Principal } from './principal';

const MISSING = 'a bearer token is required: send Authorization: Bearer <token>';
const INVALID = 'the bearer token is not valid';
const OPEN: Principal = { name: 'anonymous', role: 'admin', via: 'open' };
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]*$/;

/**
 * Turns a request's bearer token into a principal: one of the configured API keys (API_TOKENS,
 * API_KEYS), or a JWT of the OIDC issuer. With neither configured the API is open (development
 * only: production refuses to start so) and every request acts as an anonymous admin.
 */
@Injectable()
export class Authenticator {
  private readonly logger = new Logger('Security');
  private readonly keys: ApiKey[];
  private readonly oidc?: OidcVerifier;
  private readonly metricsDigest?: Buffer;

  constructor(config: ConfigService<Environment, true>) {
    const metricsToken = config.get('METRICS_TOKEN', { infer: true });
    this.metricsDigest = metricsToken ? sha256(metricsToken) : undefined;
    this.keys = parseApiKeys(config.get('API_TOKENS', { infer: true }), config.get('API_KEYS', { infer: true })).keys;
    const issuer = config.get('OIDC_ISSUER', { infer: true });
    if (issuer) {
      this.oidc = new OidcVerifier({
        issuer,
        // Set whenever OIDC_ISSUER is: the environment's validation sees to it.
        audience: config.get('OIDC_AUDIENCE', { infer: true }) ?? '',
        roleClaim: config.get('OIDC_ROLE_CLAIM', { infer: true }),
        jwksUrl: config.get('OIDC_JWKS_URL', { infer: true }),
      });
    }
    if (this.isOpen) this.logger.warn('no API_TOKENS, API_KEYS or OIDC_ISSUER: the API is open to anyone who can reach it');
  }

  get isOpen(): boolean {
    return this.keys.length === 0 && !this.oidc;
  }

  /**
   * The principal of a bearer token, at once for an API key, as a promise for a JWT (whose
   * verification may have to fetch the issuer's keys); throws, or rejects with, TokenRefused (401 or
   * 403) when there is none.
   */
  authenticate(token: string | undefined): Principal | Promise<Principal> {
    if (this.isOpen) return OPEN;
    if (!token) throw new TokenRefused(401, MISSING);
    const key = this.matchingKey(token);
    if (key) return { name: key.name, role: key.role, via: 'api-key' };
    if (this.oidc && JWT_SHAPE.test(token)) return this.oidc.verify(token);
    throw new TokenRefused(401, INVALID);
  }

  /** /metrics takes METRICS_TOKEN and no other, and is open without it. */
  authenticateScraper(token: string | undefined): void {
    if (!this.metricsDigest) return;
    if (!token) throw new TokenRefused(401, MISSING);
    if (!timingSafeEqual(sha256(token), this.metricsDigest)) throw new TokenRefused(401, INVALID);
  }

  /** Compares digests of equal length with every key, so the time taken says nothing about which matched. */
  private matchingKey(token: string): ApiKey | undefined {
    const presented = sha256(token);
    return this.keys.reduce<ApiKey | undefined>((found, key) => (timingSafeEqual(key.digest, presented) ? key : found), undefined);
  }
}
