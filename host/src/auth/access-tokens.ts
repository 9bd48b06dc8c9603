import type { Knex } from 'knex';
import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import type { Keyring } from '@keygate/core';

export const ACCESS_TOKEN_ISSUER = 'keygate';
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const SETTING = 'auth.jwtKey';

export interface AccessTokenClaims {
  userId: string;
  tenantId: string;
  role: string;
}

/** HS256 access tokens for logged-in users, signed with a per-deployment key (same on every replica). */
export class AccessTokens {
  readonly #key: Uint8Array;

  constructor(key: Uint8Array) {
    this.#key = key;
  }

  /** Loads the signing key from `host_settings`, creating it (encrypted with the keyring) on first start. */
  static async load(knex: Knex, keyring: Keyring): Promise<AccessTokens> {
    await knex('host_settings')
      .insert({ name: SETTING, value: keyring.encrypt(randomBytes(32).toString('base64'), SETTING) })
      .onConflict('name')
      .ignore();
    const row = await knex('host_settings').where({ name: SETTING }).first<{ value: string }>('value');
    return new AccessTokens(new Uint8Array(Buffer.from(keyring.decrypt(row!.value, SETTING), 'base64')));
  }

  /** `nowMs`: when the token is issued (tests issue expired tokens). */
  async sign(claims: AccessTokenClaims, nowMs: number = Date.now()): Promise<{ token: string; expiresAt: Date }> {
    const now = Math.floor(nowMs / 1000);
    const exp = now + ACCESS_TOKEN_TTL_SECONDS;
    const token = await new SignJWT({ tid: claims.tenantId, role: claims.role })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.userId)
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(this.#key);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** The token's claims, or the reason it is refused. Only HS256 with this deployment's key is accepted. */
  async verify(token: string): Promise<{ ok: true; claims: AccessTokenClaims } | { ok: false; reason: string }> {
    try {
      const { payload } = await jwtVerify(token, this.#key, { algorithms: ['HS256'], issuer: ACCESS_TOKEN_ISSUER, requiredClaims: ['sub', 'exp', 'iat', 'jti'] });
      if (typeof payload.sub !== 'string' || typeof payload.tid !== 'string' || typeof payload.role !== 'string') return { ok: false, reason: 'access token claims incomplete' };
      return { ok: true, claims: { userId: payload.sub, tenantId: payload.tid, role: payload.role } };
    } catch (error) {
      const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : 'ERR_JWT_INVALID';
      return { ok: false, reason: `access token refused (${code})` };
    }
  }
}
