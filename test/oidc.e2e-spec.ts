import { base64url, SignJWT } from 'jose';
import { createPublicKey } from 'node:crypto';
import { OidcVerifier } from '../src/security/oidc-verifier';
import { makeJob } from './support/factories';
import { OidcIssuer } from './support/oidc-issuer';
import { startTestApp, type TestApp } from './support/test-app';

const AUDIENCE = 'job-scheduler';

describe('OIDC bearer tokens', () => {
  let issuer: OidcIssuer;
  let t: TestApp;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const refusal = async (token: string) => (await t.http.get('/jobs').set(bearer(token)).expect(401)).body.message as string;

  beforeAll(async () => {
    issuer = await OidcIssuer.start();
    t = await startTestApp({ OIDC_ISSUER: issuer.url, OIDC_AUDIENCE: AUDIENCE, SCHEDULER_ENABLED: 'false' });
  });
  afterAll(async () => {
    await t?.close();
    await issuer?.close();
  });

  describe('through the API', () => {
    it("give the role of the token's roles claim", async () => {
      const admin = await issuer.sign({ sub: 'ann', roles: ['admin'] });
      const reader = await issuer.sign({ sub: 'bob', roles: ['reader', 'unrelated'] });
      const operator = await issuer.sign({ sub: 'cat', roles: 'operator' });
      const { body: job } = await t.http.post('/jobs').set(bearer(admin)).send(makeJob({ isActive: false })).expect(201);
      await t.http.get(`/jobs/${job.id}`).set(bearer(reader)).expect(200);
      const refused = await t.http.post('/jobs').set(bearer(reader)).send(makeJob()).expect(403);
      expect(refused.body.message).toBe('the role reader may not POST /jobs: it needs admin');
      await t.http.post(`/jobs/${job.id}/run`).set(bearer(operator)).expect(202);
    });

    it("records the token's subject as the actor of a change in the audit log", async () => {
      const admin = await issuer.sign({ sub: 'ann', roles: ['admin'] });
      const operator = await issuer.sign({ sub: 'cat', roles: 'operator' });
      const { body: job } = await t.http.post('/jobs').set(bearer(admin)).send(makeJob({ isActive: false })).expect(201);
      await t.http.patch(`/jobs/${job.id}`).set(bearer(operator)).send({ isActive: true }).expect(200);
      const { body } = await t.http.get(`/jobs/${job.id}/changes`).set(bearer(operator)).expect(200);
      expect(body.data.map((entry: { action: string; actor: string; via: string }) => [entry.action, entry.actor, entry.via])).toEqual([
        ['resume', 'cat', 'oidc'],
        ['create', 'ann', 'oidc'],
      ]);
    });

    it('refuse an expired token', async () => {
      const expired = await issuer.sign({ roles: ['admin'] }, { expiresAt: Math.floor(Date.now() / 1000) - 3600 });
      expect(await refusal(expired)).toBe('the bearer token is not valid: it has expired');
    });

    it('refuse a token for another audience', async () => {
      expect(await refusal(await issuer.sign({ roles: ['admin'] }, { audience: 'another-service' }))).toBe('the bearer token is not valid: its aud claim is not accepted');
    });

    it('refuse a token of another issuer', async () => {
      expect(await refusal(await issuer.sign({ roles: ['admin'] }, { issuer: 'https://evil.example' }))).toBe('the bearer token is not valid: its iss claim is not accepted');
    });

    it('refuse an unsigned token (alg: none)', async () => {
      const now = Math.floor(Date.now() / 1000);
      const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT', kid: issuer.currentKey.kid }));
      const payload = base64url.encode(JSON.stringify({ iss: issuer.url, aud: AUDIENCE, sub: 'mallory', roles: ['admin'], iat: now, exp: now + 3600 }));
      expect(await refusal(`${header}.${payload}.`)).toBe('the bearer token is not valid: its signing algorithm is not accepted');
    });

    it("refuse a token signed with HS256 and the issuer's public key as the secret (algorithm confusion)", async () => {
      const publicPem = createPublicKey({ key: issuer.currentKey.publicJwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
      const forged = await new SignJWT({ roles: ['admin'] })
        .setProtectedHeader({ alg: 'HS256', kid: issuer.currentKey.kid })
        .setIssuer(issuer.url)
        .setAudience(AUDIENCE)
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(publicPem as string));
      expect(await refusal(forged)).toBe('the bearer token is not valid: its signing algorithm is not accepted');
    });

    it("refuse a token signed with a key that is not the issuer's, under the issuer's key id", async () => {
      const stranger = await OidcIssuer.makeKey(issuer.currentKey.kid);
      expect(await refusal(await issuer.sign({ roles: ['admin'] }, { key: stranger }))).toBe('the bearer token is not valid: its signature does not verify');
    });

    it('answer 403 to a valid token that carries no role', async () => {
      const { body } = await t.http.get('/jobs').set(bearer(await issuer.sign({ groups: ['staff'] }))).expect(403);
      expect(body.message).toBe('the token carries no role (reader, operator or admin) in its roles claim');
    });

    it('fetch the keys once and keep them', async () => {
      const token = await issuer.sign({ roles: ['reader'] });
      await t.http.get('/jobs').set(bearer(token)).expect(200);
      const fetched = issuer.jwksRequests;
      expect(fetched).toBeGreaterThanOrEqual(1);
      for (let request = 0; request < 5; request += 1) await t.http.get('/jobs').set(bearer(token)).expect(200);
      expect(issuer.jwksRequests).toBe(fetched);
    });
  });

  describe('OidcVerifier', () => {
    it('fetches the keys again for a key id it has not seen, so a rotated key is accepted without a restart', async () => {
      const verifier = new OidcVerifier({ issuer: issuer.url, audience: AUDIENCE, roleClaim: 'roles', refetchCooldownMs: 0 });
      await verifier.verify(await issuer.sign({ roles: ['reader'] }));
      const before = issuer.jwksRequests;
      await verifier.verify(await issuer.sign({ roles: ['reader'] }));
      expect(issuer.jwksRequests).toBe(before);
      await issuer.rotate();
      await expect(verifier.verify(await issuer.sign({ sub: 'dan', roles: ['operator'] }))).resolves.toEqual({ name: 'dan', role: 'operator', via: 'oidc' });
      expect(issuer.jwksRequests).toBe(before + 1);
    });

    it('does not ask the issuer again within the cooldown however many unknown key ids it is shown', async () => {
      const verifier = new OidcVerifier({ issuer: issuer.url, audience: AUDIENCE, roleClaim: 'roles', refetchCooldownMs: 60_000 });
      await verifier.verify(await issuer.sign({ roles: ['reader'] }));
      const before = issuer.jwksRequests;
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const stranger = await OidcIssuer.makeKey(`made-up-${attempt}`);
        await expect(verifier.verify(await issuer.sign({ roles: ['admin'] }, { key: stranger }))).rejects.toThrow('no key of the issuer matches it');
      }
      expect(issuer.jwksRequests).toBe(before);
    });

    it('reads the role from a nested claim, and takes the highest role of a list', async () => {
      const verifier = new OidcVerifier({ issuer: issuer.url, audience: AUDIENCE, roleClaim: 'realm_access.roles', jwksUrl: `${issuer.url}/jwks` });
      const token = await issuer.sign({ sub: 'eve', realm_access: { roles: ['offline_access', 'reader', 'admin'] } });
      await expect(verifier.verify(token)).resolves.toEqual({ name: 'eve', role: 'admin', via: 'oidc' });
    });
  });
});
