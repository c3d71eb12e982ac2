import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

interface SigningKey {
  kid: string;
  privateKey: PrivateKey;
  publicJwk: JWK;
}

/**
 * An OpenID Connect issuer of the test's own, on loopback: a discovery document, a JWKS of RSA keys
 * the test makes, and tokens signed with them. Counts the JWKS requests, and can rotate its key.
 */
export class OidcIssuer {
  /** Requests for the JWKS so far. */
  jwksRequests = 0;
  private keys: SigningKey[] = [];
  private port = 0;
  private readonly server = createServer((request, response) => this.answer(request, response));

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<OidcIssuer> {
    const issuer = new OidcIssuer();
    await new Promise<void>((resolve) => issuer.server.listen(0, '127.0.0.1', resolve));
    issuer.port = (issuer.server.address() as AddressInfo).port;
    await issuer.rotate();
    return issuer;
  }

  private answer(request: IncomingMessage, response: ServerResponse): void {
    if (request.url === '/.well-known/openid-configuration') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer: this.url, jwks_uri: `${this.url}/jwks` }));
    } else if (request.url === '/jwks') {
      this.jwksRequests += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: this.keys.map((key) => key.publicJwk) }));
    } else {
      response.writeHead(404).end();
    }
  }

  /** Publishes a new key (named `kid`) beside the old ones; tokens are signed with it from now on. */
  async rotate(kid = `key-${this.keys.length + 1}`): Promise<SigningKey> {
    const key = await OidcIssuer.makeKey(kid);
    this.keys.push(key);
    return key;
  }

  /** An RSA key the issuer does not publish. */
  static async makeKey(kid: string): Promise<SigningKey> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
  }

  get currentKey(): SigningKey {
    return this.keys[this.keys.length - 1];
  }

  /** A token of this issuer for `audience`, valid for an hour, signed with the current key unless told another. */
  sign(claims: JWTPayload, options: { audience?: string; issuer?: string; expiresAt?: number; key?: SigningKey } = {}): Promise<string> {
    const key = options.key ?? this.currentKey;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .setIssuer(options.issuer ?? this.url)
      .setAudience(options.audience ?? 'job-scheduler')
      .setSubject(typeof claims.sub === 'string' ? claims.sub : 'alice')
      .setIssuedAt(now)
      .setExpirationTime(options.expiresAt ?? now + 3600)
      .sign(key.privateKey);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
