import type { Middleware } from 'openapi-fetch';
import { decryptFromServer, E2EE_HEADER, generateE2eeKeyPair, isE2eeEnvelope, type E2eeKeyPair } from '@keygate/core/wire';
import { KeygateProtocolError } from './errors.js';

/**
 * Operations whose success body carries secret values. For these, a plaintext answer to a request
 * that asked for end-to-end encryption is refused rather than trusted: it means something between
 * the caller and Keygate (or a misconfigured server) dropped the protection the caller asked for.
 * Other answers (metadata, versions, errors) are not encrypted by the server and pass through.
 */
const SECRET_READS: ReadonlySet<string> = new Set([
  '/api/v1/projects/{projectRef}/environments/{envSlug}/secrets',
  '/api/v1/projects/{projectRef}/environments/{envSlug}/providers/{providerRef}/secrets/{key}',
]);

export const E2EE_PLAINTEXT_REFUSED = 'server answered an E2EE request in plaintext';

/**
 * Sends `X-E2E-Public-Key` on every request and decrypts envelopes in responses, so callers see the
 * same JSON as without E2EE. The private key never leaves this closure.
 */
export function e2eeMiddleware(keyPair: E2eeKeyPair = generateE2eeKeyPair()): Middleware {
  return {
    onRequest({ request }) {
      request.headers.set(E2EE_HEADER, keyPair.publicKeyBase64);
      return request;
    },
    async onResponse({ request, response, schemaPath }) {
      const mustBeEncrypted = response.ok && request.method === 'GET' && SECRET_READS.has(schemaPath);
      const body = await readJson(response);
      if (isE2eeEnvelope(body)) {
        let plaintext: string;
        try {
          plaintext = decryptFromServer(keyPair.privateKey, body);
        } catch (error) {
          throw new KeygateProtocolError('could not decrypt the E2EE response', { cause: error });
        }
        const headers = new Headers(response.headers);
        // The body changes length and is no longer in its transfer encoding.
        headers.delete('content-length');
        headers.delete('content-encoding');
        headers.set('content-type', 'application/json; charset=utf-8');
        return new Response(plaintext, { status: response.status, statusText: response.statusText, headers });
      }
      if (mustBeEncrypted) {
        await response.body?.cancel();
        throw new KeygateProtocolError(E2EE_PLAINTEXT_REFUSED);
      }
      return undefined;
    },
  };
}

/** The parsed JSON of a response without consuming it, or undefined when it is not JSON. */
async function readJson(response: Response): Promise<unknown> {
  if (!(response.headers.get('content-type') ?? '').toLowerCase().includes('json')) return undefined;
  try {
    return JSON.parse(await response.clone().text()) as unknown;
  } catch {
    return undefined;
  }
}
