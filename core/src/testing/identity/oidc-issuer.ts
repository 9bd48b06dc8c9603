import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type CryptoKey } from 'jose';

export interface MintOptions {
  /** Seconds from now; negative for an already expired token (default 300). */
  expiresIn?: number;
  /** Seconds from now for `nbf` (absent by default). */
  notBefore?: number;
  /** Seconds from now for `iat` (default 0). */
  issuedAt?: number;
  /** Use this `iss` instead of the issuer's own. */
  issuer?: string;
  /** Omit `aud` when null. */
  audience?: string | string[] | null;
  /** A fixed `jti` (a fresh UUID by default); null omits it. */
  jti?: string | null;
  /** Sign with a key the JWKS does not publish, under this `kid`. */
  unpublishedKid?: string;
  /** Registered claims to leave out (`exp`, `iat`). */
  omitClaims?: Array<'exp' | 'iat'>;
}

export interface TestOidcIssuer {
  /** `http://127.0.0.1:<port>`: the `iss` of every token it mints. */
  issuer: string;
  /** The `kid` of the current signing key. */
  kid: string;
  /** How many times the JWKS and the discovery document were fetched. */
  requests: { discovery: number; jwks: number };
  /** A signed token with `claims` (plus iss, aud, iat, exp, jti unless told otherwise). */
  mint(claims: JWTPayload, options?: MintOptions): Promise<string>;
  /** The current key's public JWK (what an attacker can read). */
  publicJwk(): JWK;
  /**
   * A new signing key; the JWKS publishes it (and, unless `dropOld`, the previous one too, as an
   * issuer does during a rotation).
   */
  rotate(options?: { dropOld?: boolean }): Promise<void>;
  close(): Promise<void>;
}

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

const ALG = 'RS256';

async function newKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(ALG, { extractable: true });
  const kid = randomUUID();
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: ALG, use: 'sig' } };
}

/**
 * A real OIDC issuer on a loopback port for tests: `/.well-known/openid-configuration` and
 * `/jwks` over HTTP, RS256 keys that can be rotated, tokens minted with jose.
 */
export async function startTestOidcIssuer(options: { defaultAudience?: string } = {}): Promise<TestOidcIssuer> {
  let current = await newKey();
  let published: SigningKey[] = [current];
  const requests = { discovery: 0, jwks: 0 };
  const server: Server = createServer((req, res) => {
    if (req.url === '/.well-known/openid-configuration') {
      requests.discovery++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks`, id_token_signing_alg_values_supported: [ALG] }));
    } else if (req.url === '/jwks') {
      requests.jwks++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published.map((key) => key.publicJwk) }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    issuer,
    get kid() {
      return current.kid;
    },
    requests,
    async mint(claims, mint = {}) {
      const now = Math.floor(Date.now() / 1000);
      const signer = mint.unpublishedKid === undefined ? current : { ...(await newKey()), kid: mint.unpublishedKid };
      const payload: JWTPayload = { ...claims, iss: mint.issuer ?? issuer, iat: now + (mint.issuedAt ?? 0), exp: now + (mint.expiresIn ?? 300) };
      const audience = mint.audience === undefined ? options.defaultAudience : mint.audience;
      if (audience !== undefined && audience !== null) payload.aud = audience;
      if (mint.notBefore !== undefined) payload.nbf = now + mint.notBefore;
      if (mint.jti !== null) payload.jti = mint.jti ?? randomUUID();
      if (mint.omitClaims?.includes('exp')) delete payload.exp;
      if (mint.omitClaims?.includes('iat')) delete payload.iat;
      return new SignJWT(payload).setProtectedHeader({ alg: ALG, kid: signer.kid, typ: 'JWT' }).sign(signer.privateKey);
    },
    publicJwk: () => current.publicJwk,
    async rotate(rotation = {}) {
      current = await newKey();
      published = rotation.dropOld === true ? [current] : [...published, current];
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
