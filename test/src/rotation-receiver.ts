import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyOutboundSignature } from '@keygate/core/wire';

export interface ReceivedCall {
  action: string;
  requestId: string;
  oldHandle?: string;
  secretKey: string;
  signatureValid: boolean;
  apiKey: string | undefined;
  signature: string;
}

export type ReceiverMode =
  | { kind: 'ok' }
  /** Answers `status` with `{error}` for the next `times` calls (of `action` only, when given), then normally. */
  | { kind: 'fail'; status: number; error: string; times: number; action?: 'rotate' | 'revoke' }
  /** Never answers (until closed). */
  | { kind: 'hang' }
  /** Answers normally after `delayMs`. */
  | { kind: 'slow'; delayMs: number }
  /** Answers 200 with this raw body. */
  | { kind: 'raw'; body: string }
  /** Holds every call until `release()` is called. */
  | { kind: 'hold' };

/**
 * A rotation function as the HttpWebhook contract describes it: checks X-Bella-Signature against
 * the secrets it knows, is idempotent by requestId (same requestId → same value and handle), and
 * fails, hangs or dawdles on demand.
 */
export class RotationReceiver {
  readonly calls: ReceivedCall[] = [];
  /** Values issued, by requestId. */
  readonly issued = new Map<string, { newValue: string; newHandle?: string }>();
  readonly revoked: string[] = [];
  secrets: string[] = [];
  mode: ReceiverMode = { kind: 'ok' };
  returnHandles = true;
  /** The receiver's idea of now (it checks the signature's timestamp against it); a test moving the host's clock moves this too. */
  now: () => number = () => Date.now();
  #server: Server;
  #counter = 0;
  #held: Array<() => void> = [];
  #heldWaiters: Array<() => void> = [];
  url = '';

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<RotationReceiver> {
    const holder: { receiver?: RotationReceiver } = {};
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => void holder.receiver!.handle(req.headers, Buffer.concat(chunks).toString('utf8'), (status, body) => {
        if (!res.destroyed) res.writeHead(status, { 'content-type': 'application/json' }).end(body);
      }));
    });
    const receiver = new RotationReceiver(server);
    holder.receiver = receiver;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/rotate`;
    return receiver;
  }

  private async handle(headers: Record<string, string | string[] | undefined>, raw: string, reply: (status: number, body: string) => void): Promise<void> {
    const body = JSON.parse(raw) as { action: string; requestId: string; oldHandle?: string; secretKey: string };
    const signature = String(headers['x-bella-signature'] ?? '');
    const signatureValid = verifyOutboundSignature(this.secrets, signature, raw, 300, this.now());
    const apiKeyHeader = headers['x-api-key'];
    this.calls.push({ action: body.action, requestId: body.requestId, secretKey: body.secretKey, signatureValid, apiKey: typeof apiKeyHeader === 'string' ? apiKeyHeader : undefined, signature, ...(body.oldHandle === undefined ? {} : { oldHandle: body.oldHandle }) });
    if (!signatureValid) return reply(401, JSON.stringify({ error: 'Invalid signature' }));
    const mode = this.mode;
    if (mode.kind === 'hang') return;
    // Mint first, then hold: the caller may die after the function issued a credential but before
    // it heard the answer, which is the case the requestId idempotency exists for.
    if (body.action === 'rotate') this.#mint(body.requestId);
    if (mode.kind === 'hold') {
      await new Promise<void>((resolve) => {
        this.#held.push(resolve);
        for (const waiter of this.#heldWaiters.splice(0)) waiter();
      });
    }
    if (mode.kind === 'slow') await new Promise((resolve) => setTimeout(resolve, mode.delayMs));
    if (mode.kind === 'fail' && mode.times > 0 && (mode.action === undefined || mode.action === body.action)) {
      mode.times--;
      return reply(mode.status, JSON.stringify({ error: mode.error }));
    }
    if (mode.kind === 'raw') return reply(200, mode.body);
    if (body.action === 'revoke') {
      this.revoked.push(body.oldHandle ?? '');
      return reply(200, JSON.stringify({ success: true }));
    }
    reply(200, JSON.stringify(this.#mint(body.requestId)));
  }

  /** The answer for a requestId: minted once, the same ever after. */
  #mint(requestId: string): { newValue: string; newHandle?: string } {
    let answer = this.issued.get(requestId);
    if (!answer) {
      this.#counter++;
      answer = { newValue: `sk_live_${this.#counter}_${Math.random().toString(36).slice(2)}`, ...(this.returnHandles ? { newHandle: `key-${this.#counter}` } : {}) };
      this.issued.set(requestId, answer);
    }
    return answer;
  }

  /** Resolves once a call is being held (mode `hold`). */
  waitForHeld(): Promise<void> {
    if (this.#held.length > 0) return Promise.resolve();
    return new Promise((resolve) => this.#heldWaiters.push(resolve));
  }

  release(): void {
    for (const resume of this.#held.splice(0)) resume();
  }

  rotateCalls(): ReceivedCall[] {
    return this.calls.filter((c) => c.action === 'rotate');
  }

  async close(): Promise<void> {
    this.release();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
