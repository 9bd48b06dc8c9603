import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TEST_TLS_CERTIFICATE, TEST_TLS_PRIVATE_KEY } from './test-tls.js';

/**
 * A Microsoft Entra ID (Azure AD) authority emulator for tests: an HTTPS server on 127.0.0.1
 * (Microsoft's authentication library accepts only https authorities; see test-tls.ts) serving
 * what the real `ClientSecretCredential` asks for: `GET /{tenant}/v2.0/.well-known/openid-configuration`
 * and the client-credentials grant at `POST /{tenant}/oauth2/v2.0/token`
 * (`client_id`, `client_secret`, `scope`). A known client with the right secret gets `token` (the
 * Key Vault emulator's token); anything else gets Entra's error shape (`invalid_client`, …).
 */
export interface EntraEmulatorOptions {
  tenant: string;
  /** client id → client secret */
  clients: Readonly<Record<string, string>>;
  /** The access token handed out. */
  token: string;
}

export class EntraEmulator {
  /** Successful token requests. */
  tokensIssued = 0;
  /** Token requests refused (wrong client, secret, tenant or scope). */
  refusals = 0;
  readonly #server: Server;
  readonly #options: EntraEmulatorOptions;

  private constructor(options: EntraEmulatorOptions) {
    this.#options = options;
    this.#server = createServer({ key: TEST_TLS_PRIVATE_KEY, cert: TEST_TLS_CERTIFICATE }, (request, response) => void this.#handle(request, response));
  }

  static async start(options: EntraEmulatorOptions): Promise<EntraEmulator> {
    const emulator = new EntraEmulator(options);
    await new Promise<void>((resolve) => emulator.#server.listen(0, '127.0.0.1', resolve));
    return emulator;
  }

  /** The `authorityHost` to configure. */
  get authorityHost(): string {
    return `https://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** The certificate to trust (`caCertificate`). */
  get certificate(): string {
    return TEST_TLS_CERTIFICATE;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const url = new URL(request.url ?? '/', this.authorityHost);
    const [tenant, ...rest] = url.pathname.split('/').filter((part) => part !== '');
    const route = rest.join('/');
    if (tenant !== this.#options.tenant) {
      return send(response, 400, { error: 'invalid_tenant', error_description: `AADSTS90002: Tenant '${tenant ?? ''}' not found.` });
    }
    if (request.method === 'GET' && route === 'v2.0/.well-known/openid-configuration') {
      const base = `${this.authorityHost}/${tenant}`;
      return send(response, 200, {
        issuer: `${base}/v2.0`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        token_endpoint: `${base}/oauth2/v2.0/token`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      });
    }
    if (request.method === 'POST' && route === 'oauth2/v2.0/token') {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const clientId = form.get('client_id') ?? '';
      if (form.get('grant_type') !== 'client_credentials') return this.#refuse(response, 'unsupported_grant_type', 'AADSTS70003: The app requested an unsupported grant type.');
      if (form.get('scope') !== 'https://vault.azure.net/.default') return this.#refuse(response, 'invalid_scope', 'AADSTS70011: The provided value for the input parameter scope is not valid.');
      if (!(clientId in this.#options.clients)) return this.#refuse(response, 'unauthorized_client', `AADSTS700016: Application with identifier '${clientId}' was not found in the directory.`);
      if (this.#options.clients[clientId] !== form.get('client_secret')) {
        return this.#refuse(response, 'invalid_client', 'AADSTS7000215: Invalid client secret provided.', 401);
      }
      this.tokensIssued++;
      return send(response, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: this.#options.token });
    }
    send(response, 404, { error: 'not_found', error_description: `no route ${request.method ?? ''} ${url.pathname}` });
  }

  #refuse(response: ServerResponse, error: string, description: string, status = 400): void {
    this.refusals++;
    send(response, status, { error, error_description: description, error_codes: [Number(/AADSTS(\d+)/.exec(description)?.[1] ?? 0)], timestamp: new Date().toISOString() });
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
