import { KeygateApiError, KeygateProtocolError } from '@keygate/sdk';

/** A failure the user can act on: one line saying what went wrong, one saying what to try. */
export class CliError extends Error {
  override readonly name: string = 'CliError';

  constructor(
    message: string,
    readonly hint?: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** The command line itself is wrong (unknown flag, missing argument, no project): exit code 2. */
export class UsageError extends CliError {
  override readonly name = 'UsageError';

  constructor(message: string, hint?: string) {
    super(message, hint, 2);
  }
}

/** What the CLI was talking to when the error happened, so hints can name the right knob. */
export interface ErrorScene {
  url?: string | undefined;
  /** Where the API key came from (`KEYGATE_API_KEY`, `--api-key`, …): the hint names it, never the key. */
  apiKeySource?: string | undefined;
  project?: string | undefined;
  environment?: string | undefined;
  timeoutSeconds?: number | undefined;
}

/** Turns whatever was thrown into a {@link CliError}; unknown errors keep their message. */
export function explainError(error: unknown, scene: ErrorScene): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof KeygateApiError) return explainApiError(error, scene);
  if (error instanceof KeygateProtocolError) {
    return new CliError(error.message, 'something between you and the gateway (a proxy?) may be altering its answers');
  }
  const url = scene.url ?? 'the gateway';
  if (isTimeout(error)) {
    const within = scene.timeoutSeconds === undefined ? '' : ` within ${scene.timeoutSeconds} s`;
    return new CliError(`no answer from ${url}${within}`, 'is the gateway overloaded or the URL wrong? --timeout SECONDS waits longer');
  }
  const network = networkCause(error);
  if (network) return explainNetworkError(network, url);
  const message = error instanceof Error ? error.message : String(error);
  return new CliError(`unexpected error: ${message}`, 'set KEYGATE_DEBUG=1 for details');
}

function explainApiError(error: KeygateApiError, scene: ErrorScene): CliError {
  const what = error.detail ?? error.title;
  const status = `HTTP ${error.status}${error.code === undefined ? '' : ` ${error.code}`}`;
  const message = `${oneLine(what)} (${status})`;
  // Keygate always answers errors as problem+json with a code; anything else is another server.
  if (error.code === undefined && error.detail === undefined && (error.status === 404 || error.status === 405)) {
    return new CliError(`${scene.url ?? 'the gateway'} answered HTTP ${error.status}, and not as a Keygate gateway would`, 'check KEYGATE_URL (or --url): is it the gateway, with the right path prefix?');
  }
  switch (error.status) {
    case 401:
      if (scene.apiKeySource === 'the stored login') {
        return new CliError(`the gateway refused the stored API key (${status})`, 'it may have been disabled, deleted or expired: run "keygate login" again');
      }
      return new CliError(
        `the gateway refused the API key (${status})`,
        `check ${scene.apiKeySource ?? 'KEYGATE_API_KEY'}: the key may be mistyped, disabled, expired, or for another gateway`,
      );
    case 403:
      return new CliError(message, "the API key's role does not allow this");
    case 404:
      return new CliError(message, `no such project/environment${target(scene)}, or the API key cannot see it`);
    case 409:
      return new CliError(message, error.code === 'VERSION_CONFLICT' ? 'someone else changed it meanwhile; read it again and retry' : undefined);
    case 413:
      return new CliError(message, 'the value is larger than the gateway accepts');
    case 429:
      return new CliError(message, 'too many requests; retry in a moment');
    case 502:
    case 503:
    case 504:
      if (error.provider !== undefined) return new CliError(message, providerHint(error.status, error.provider));
      return new CliError(message, `the gateway at ${scene.url ?? 'KEYGATE_URL'} or a proxy in front of it is failing; retry later`);
    default:
      if (error.status >= 500) return new CliError(message, "the gateway failed; its logs have the details");
      return new CliError(message);
  }
}

function providerHint(status: number, provider: string): string {
  if (status === 503) return `the secret store behind provider "${provider}" is unreachable; retry later`;
  if (status === 504) return `the secret store behind provider "${provider}" did not answer in time; retry later`;
  return `the secret store behind provider "${provider}" refused the request; check the provider's configuration`;
}

function target(scene: ErrorScene): string {
  if (scene.project === undefined || scene.environment === undefined) return '';
  return ` "${scene.project}/${scene.environment}"`;
}

interface NetworkCause {
  code: string | undefined;
  message: string;
}

/** fetch() reports every transport failure as `TypeError('fetch failed')`; the reason is its cause. */
function networkCause(error: unknown): NetworkCause | undefined {
  if (!(error instanceof TypeError) || error.message !== 'fetch failed') return undefined;
  const cause: unknown = error.cause;
  if (!(cause instanceof Error)) return { code: undefined, message: 'network error' };
  const code = (cause as { code?: unknown }).code;
  return { code: typeof code === 'string' ? code : undefined, message: cause.message };
}

function explainNetworkError(cause: NetworkCause, url: string): CliError {
  switch (cause.code) {
    case 'ECONNREFUSED':
      return new CliError(`cannot connect to ${url} (connection refused)`, `is the gateway running at ${url}? set KEYGATE_URL or --url otherwise`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new CliError(`cannot resolve the host of ${url}`, 'check KEYGATE_URL (or --url) and your DNS');
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return new CliError(`the connection to ${url} was cut`, 'is something other than Keygate listening there (http vs https)?');
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new CliError(`connecting to ${url} timed out`, 'is the gateway reachable from here (firewall, VPN)?');
    default:
      break;
  }
  if (cause.code !== undefined && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(cause.code)) {
    return new CliError(`the TLS certificate of ${url} was not accepted (${cause.code})`, 'if it is signed by a private CA, point NODE_EXTRA_CA_CERTS at its certificate');
  }
  if (/redirect/i.test(cause.message)) {
    // The SDK refuses redirects so that a signed request never travels somewhere unexpected.
    return new CliError(`${url} answered with a redirect`, 'check KEYGATE_URL: use the final address (https?, path prefix?)');
  }
  return new CliError(`request to ${url} failed: ${oneLine(cause.message)}`, `is the gateway running at ${url}?`);
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

/** Server-provided text goes on the single error line; a newline in it must not break that shape. */
function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

const API_KEY_PATTERN = /bax-[0-9a-f]{32}-[0-9a-f]{64}/gi;

/**
 * Last line of defence before anything reaches the terminal: whatever ended up in a message (a
 * mistyped positional, a server echo), a Keygate API key or the configured key never gets printed.
 */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(API_KEY_PATTERN, 'bax-***');
  for (const secret of secrets) {
    if (secret.length >= 8) out = out.split(secret).join('***');
  }
  return out;
}
