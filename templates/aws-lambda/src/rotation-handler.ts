import { createHash, timingSafeEqual } from 'node:crypto';
import { verifyWebhookSignature, WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TOLERANCE_SECONDS } from '@keygate/sdk';
import { InMemoryIdempotencyStore, type IdempotencyRecord, type IdempotencyStore, type RevokeAnswer, type RotateAnswer } from './idempotency-store.js';

/**
 * The platform-neutral part of a Keygate HttpWebhook rotation function: verifies the call, parses
 * it, dispatches it to `rotateSecret`/`revokeSecret` at most once per `requestId`, and shapes the
 * answer. Platform adapters only translate their request and response objects.
 *
 * (Identical in every Keygate rotation template: each template is copied on its own, so this file is
 * duplicated rather than shared.)
 */

export interface RotationContext {
  secretKey: string;
  projectSlug: string;
  environmentSlug: string;
  /** Stable across Keygate's retries of one run: pass it on as the idempotency key of the vendor's API if it has one. */
  requestId: string;
}

export interface RevocationContext extends RotationContext {
  /** The `newHandle` that an earlier rotate returned: the credential to retire now. */
  oldHandle: string;
}

export interface RotationResult {
  /** The new credential; Keygate stores it in the secret's provider. */
  newValue: string;
  /** Names the new credential so that a later revoke can retire it; without it Keygate never calls revoke. */
  newHandle?: string;
}

export type RotateSecret = (ctx: RotationContext) => Promise<RotationResult> | RotationResult;
export type RevokeSecret = (ctx: RevocationContext) => Promise<void> | void;

/**
 * Throw this from `rotateSecret`/`revokeSecret` to answer with a given status and message, e.g.
 * `new RotationError('rate limited by the vendor, try again later', 429)`. Keygate records the
 * message as the rotation's last error: never put a secret value in it. Any other error becomes a
 * 500 whose message says only which step failed.
 */
export class RotationError extends Error {
  readonly status: number;

  constructor(message: string, status = 500) {
    super(message);
    this.name = 'RotationError';
    this.status = Number.isInteger(status) && status >= 400 && status <= 599 ? status : 500;
  }
}

export interface RotationHandlerOptions {
  /** The policy's signing secret; during a rollover the new and the previous one (any matching `v1` is accepted). */
  signingSecrets: readonly string[];
  /** The policy's optional `apiKeyHeader`/`apiKey`: when set, calls must carry this header with this value. */
  apiKey?: { header: string; value: string };
  rotateSecret: RotateSecret;
  revokeSecret?: RevokeSecret;
  /** Defaults to an in-memory store, good for one instance only: see idempotency-store.ts. */
  idempotencyStore?: IdempotencyStore;
  /** Accepted clock difference for the signature's timestamp, both ways; 300 s by default. */
  toleranceSeconds?: number;
  /** Receives one line per failure; never given secret values. `console.error` by default. */
  log?: (line: string) => void;
}

/** What an adapter hands over: the method, a case-insensitive header lookup and the body bytes exactly as received. */
export interface IncomingCall {
  method: string;
  header(name: string): string | undefined;
  rawBody: string | Uint8Array;
}

export interface OutgoingAnswer {
  status: number;
  headers: Record<string, string>;
  /** JSON text. */
  body: string;
}

export type RotationHandler = (call: IncomingCall) => Promise<OutgoingAnswer>;

/** Rotation calls are a few hundred bytes; anything much larger is not from Keygate. */
export const MAX_BODY_BYTES = 64 * 1024;

type Call =
  | ({ action: 'rotate' } & RotationContext)
  | ({ action: 'revoke' } & RevocationContext);

export function createRotationHandler(options: RotationHandlerOptions): RotationHandler {
  const signingSecrets = options.signingSecrets.filter((secret) => secret !== '');
  // Checked here, not per call, so that a missing setting fails the deployment loudly instead of
  // looking like a stream of forged requests.
  if (signingSecrets.length === 0) throw new Error('no signing secret configured');
  if (options.apiKey !== undefined && (options.apiKey.header === '' || options.apiKey.value === '')) {
    throw new Error('apiKey needs both a header name and a value');
  }
  const store = options.idempotencyStore ?? new InMemoryIdempotencyStore();
  const tolerance = options.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS;
  const log = options.log ?? ((line: string) => console.error(line));
  // Two retries reaching the same instance at once share one run of the user's function.
  const inFlight = new Map<string, { fingerprint: string; run: Promise<OutgoingAnswer> }>();

  return async (incoming) => {
    if (incoming.method.toUpperCase() !== 'POST') return reply(405, { error: 'only POST is accepted' }, { allow: 'POST' });
    const size = typeof incoming.rawBody === 'string' ? Buffer.byteLength(incoming.rawBody) : incoming.rawBody.byteLength;
    if (size > MAX_BODY_BYTES) return reply(413, { error: 'body too large' });

    const signature = incoming.header(WEBHOOK_SIGNATURE_HEADER);
    if (signature === undefined || !verifyWebhookSignature(signingSecrets, signature, incoming.rawBody, tolerance)) {
      return reply(401, { error: 'invalid or missing X-Bella-Signature' });
    }
    if (options.apiKey !== undefined && !sameSecret(incoming.header(options.apiKey.header), options.apiKey.value)) {
      return reply(401, { error: `invalid or missing ${options.apiKey.header} header` });
    }

    const call = parseCall(incoming.rawBody);
    if (typeof call === 'string') return reply(400, { error: call });

    const key = `${call.action}:${call.requestId}`;
    const fingerprint = fingerprintOf(call);
    const running = inFlight.get(key);
    if (running !== undefined) {
      return running.fingerprint === fingerprint ? running.run : reply(409, { error: 'requestId was already used for a different call' });
    }
    const run = dispatchOnce(call, key, fingerprint).finally(() => inFlight.delete(key));
    inFlight.set(key, { fingerprint, run });
    return run;
  };

  async function dispatchOnce(call: Call, key: string, fingerprint: string): Promise<OutgoingAnswer> {
    let earlier: IdempotencyRecord | undefined;
    try {
      earlier = await store.get(key);
    } catch (error) {
      log(`${describe(call)}: idempotency store read failed (${errorName(error)})`);
      return reply(503, { error: 'idempotency store unavailable, try again' });
    }
    if (earlier !== undefined) return replay(call, earlier, fingerprint);

    let answer: RotateAnswer | RevokeAnswer;
    try {
      answer = call.action === 'rotate' ? await rotate(call) : await revoke(call);
    } catch (error) {
      if (error instanceof RotationError) {
        log(`${describe(call)}: ${error.status} ${error.message}`);
        return reply(error.status, { error: error.message });
      }
      log(`${describe(call)}: ${call.action}Secret threw ${errorName(error)}`);
      return reply(500, { error: `${call.action} failed` });
    }

    let winner: IdempotencyRecord | undefined;
    try {
      winner = await store.putIfAbsent(key, { fingerprint, answer });
    } catch (error) {
      // The work is done; failing now would only make Keygate retry and rotate a second time.
      log(`${describe(call)}: idempotency store write failed (${errorName(error)}); answering anyway`);
      return reply(200, answer);
    }
    if (winner === undefined) return reply(200, answer);
    // Another instance answered the same requestId first: keep its credential, retire ours.
    if (call.action === 'rotate' && 'newValue' in answer && answer.newHandle !== undefined && options.revokeSecret) {
      try {
        await options.revokeSecret({ ...contextOf(call), oldHandle: answer.newHandle });
      } catch (error) {
        log(`${describe(call)}: could not revoke the duplicate credential ${answer.newHandle} (${errorName(error)})`);
      }
    }
    return replay(call, winner, fingerprint);
  }

  async function rotate(call: RotationContext): Promise<RotateAnswer> {
    const result: unknown = await options.rotateSecret(contextOf(call));
    if (typeof result !== 'object' || result === null) throw new RotationError('rotateSecret returned no result');
    const { newValue, newHandle } = result as Record<string, unknown>;
    if (typeof newValue !== 'string' || newValue === '') throw new RotationError('rotateSecret returned no newValue');
    if (newHandle !== undefined && (typeof newHandle !== 'string' || newHandle === '')) {
      throw new RotationError('rotateSecret returned a newHandle that is not a non-empty string');
    }
    return newHandle === undefined ? { newValue } : { newValue, newHandle };
  }

  async function revoke(call: RevocationContext): Promise<RevokeAnswer> {
    if (options.revokeSecret === undefined) throw new RotationError('revokeSecret is not implemented', 501);
    await options.revokeSecret({ ...contextOf(call), oldHandle: call.oldHandle });
    return { success: true };
  }

  function replay(call: Call, record: IdempotencyRecord, fingerprint: string): OutgoingAnswer {
    if (record.fingerprint !== fingerprint) {
      log(`${describe(call)}: requestId reused for a different call`);
      return reply(409, { error: 'requestId was already used for a different call' });
    }
    return reply(200, record.answer);
  }
}

function parseCall(rawBody: string | Uint8Array): Call | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8'));
  } catch {
    return 'body must be JSON';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'body must be a JSON object';
  const body = parsed as Record<string, unknown>;
  if (body.action !== 'rotate' && body.action !== 'revoke') return 'action must be "rotate" or "revoke"';
  const fields = body.action === 'revoke' ? (['secretKey', 'projectSlug', 'environmentSlug', 'requestId', 'oldHandle'] as const) : (['secretKey', 'projectSlug', 'environmentSlug', 'requestId'] as const);
  for (const field of fields) {
    if (typeof body[field] !== 'string' || body[field] === '') return `${field} must be a non-empty string`;
  }
  const context: RotationContext = {
    secretKey: body.secretKey as string,
    projectSlug: body.projectSlug as string,
    environmentSlug: body.environmentSlug as string,
    requestId: body.requestId as string,
  };
  return body.action === 'rotate' ? { action: 'rotate', ...context } : { action: 'revoke', ...context, oldHandle: body.oldHandle as string };
}

function contextOf(call: RotationContext): RotationContext {
  return { secretKey: call.secretKey, projectSlug: call.projectSlug, environmentSlug: call.environmentSlug, requestId: call.requestId };
}

function fingerprintOf(call: Call): string {
  return JSON.stringify([call.action, call.secretKey, call.projectSlug, call.environmentSlug, call.action === 'revoke' ? call.oldHandle : null]);
}

function describe(call: Call): string {
  return `${call.action} ${call.projectSlug}/${call.environmentSlug}/${call.secretKey} (requestId ${call.requestId})`;
}

// Only the class name: a message thrown by a vendor client may quote what it was sent.
function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  // Hashing first gives equal lengths, which timingSafeEqual requires, without revealing the length.
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

function reply(status: number, body: object, headers: Record<string, string> = {}): OutgoingAnswer {
  // A rotate answer carries a credential: no cache on the way may keep it.
  return { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers }, body: JSON.stringify(body) };
}

/**
 * Reads the settings every template shares from environment variables (set them from the
 * platform's secret store, see the README):
 * - `KEYGATE_SIGNING_SECRET`: the `signingSecret` Keygate returned for the policy; during a rollover
 *   the new and the previous one separated by a comma. `BELLA_SIGNING_SECRET` is read when it is unset.
 * - `KEYGATE_ROTATION_API_KEY_HEADER` and `KEYGATE_ROTATION_API_KEY`: the policy's `apiKeyHeader`
 *   and `apiKey`, both or neither.
 */
export function settingsFromEnv(env: Record<string, string | undefined> = process.env): Pick<RotationHandlerOptions, 'signingSecrets' | 'apiKey'> {
  const signingSecrets = (env.KEYGATE_SIGNING_SECRET ?? env.BELLA_SIGNING_SECRET ?? '')
    .split(',')
    .map((secret) => secret.trim())
    .filter((secret) => secret !== '');
  if (signingSecrets.length === 0) throw new Error('set KEYGATE_SIGNING_SECRET to the signingSecret of the rotation policy');
  const header = env.KEYGATE_ROTATION_API_KEY_HEADER ?? '';
  const value = env.KEYGATE_ROTATION_API_KEY ?? '';
  if ((header === '') !== (value === '')) throw new Error('set both KEYGATE_ROTATION_API_KEY_HEADER and KEYGATE_ROTATION_API_KEY, or neither');
  return header === '' ? { signingSecrets } : { signingSecrets, apiKey: { header, value } };
}
