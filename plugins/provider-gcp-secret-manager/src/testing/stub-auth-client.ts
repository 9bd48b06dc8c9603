import { BearerTokenAuthClient } from '../auth.js';

/**
 * The auth client tests hand to the official client: google-gax accepts any object with
 * `getRequestHeaders()` as an auth client and sends every REST request through its `fetch`. A fixed
 * bearer token, no token endpoint, no metadata server.
 */
export class StubAuthClient extends BearerTokenAuthClient {
  static readonly TOKEN = 'ya29.keygate-test-token';
  /** Requests made through this client. */
  requests = 0;

  constructor(token: string = StubAuthClient.TOKEN) {
    super(token);
  }

  override fetch(input: string | URL, init?: RequestInit & Record<string, unknown>): Promise<Response> {
    this.requests++;
    const url = new URL(input);
    if (url.hostname !== '127.0.0.1') return Promise.reject(new Error(`test auth client refuses to contact ${url.hostname}`));
    return super.fetch(input, init);
  }
}
