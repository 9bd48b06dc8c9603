/**
 * A minimal auth client for google-gax's REST transport. google-gax 5 (used by
 * @google-cloud/secret-manager 6) takes any `authClient` that has `getRequestHeaders` as the
 * client's credentials and then sends every request through its `fetch(url, init)`. This one adds
 * a fixed `Authorization: Bearer` header and calls Node's fetch: nothing else is contacted — in
 * particular not the metadata server that ambient-credential discovery would probe.
 */
export class BearerTokenAuthClient {
  readonly #token: string;

  constructor(token: string) {
    if (token === '' || /\s/.test(token)) throw new TypeError('the bearer token must be non-empty without whitespace');
    this.#token = token;
  }

  getRequestHeaders(): Promise<Headers> {
    return Promise.resolve(new Headers({ authorization: `Bearer ${this.#token}` }));
  }

  getAccessToken(): Promise<{ token: string }> {
    return Promise.resolve({ token: this.#token });
  }

  async fetch(input: string | URL, init: RequestInit & Record<string, unknown> = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    for (const [name, value] of await this.getRequestHeaders()) headers.set(name, value);
    // google-gax adds node-fetch/gaxios-only members (agent, responseType); fetch does not want them.
    const { agent: _agent, responseType: _responseType, ...rest } = init;
    return fetch(input, { ...rest, headers, redirect: 'error' });
  }

  /** Token placeholder emulators accept; never a real credential. */
  static readonly EMULATOR_TOKEN = 'keygate-emulator';
}
