import { Worker } from 'node:worker_threads';
import { encryptForClient, sealE2eeResponse, type E2eeEnvelope } from '@keygate/core/wire';

/** Turns a secret-bearing JSON response into an E2EE envelope for the client's key (DESIGN §5). */
export interface E2eeEncryptor {
  /** `clientKey`: the request's `X-E2E-Public-Key`, already checked with `e2eeClientKey`. */
  encrypt(clientKey: string, plaintext: string): Promise<E2eeEnvelope>;
  close(): Promise<void>;
}

export interface AgreeRequest {
  id: number;
  clientKey: string;
}

export type AgreeReply = { id: number; serverPublicKey: string; key: Uint8Array } | { id: number; error: string };

/** Encrypts on the calling thread (tests, and hosts that want no extra thread). */
export const IN_THREAD_E2EE: E2eeEncryptor = {
  encrypt: (clientKey, plaintext) => Promise.resolve(encryptForClient(clientKey, plaintext)),
  close: () => Promise.resolve(),
};

interface Pending {
  plaintext: string;
  resolve(envelope: E2eeEnvelope): void;
  reject(error: Error): void;
}

/**
 * Agrees each response's key on a worker thread (`server.e2eeWorker`) and seals the response here.
 * The key agreement (a P-256 key generation and an ECDH, about 0.12 ms) is most of an encrypted
 * read's extra cost and needs nothing but the client's key, so only that key goes over and only
 * the server's public key and the AES key come back: a few hundred bytes per batch, not the
 * response. It pays when the event loop is the bottleneck and the other core has time to spare.
 * Requests made in the same turn of the event loop go over as one message.
 *
 * The thread starts at the first encrypted response and does not keep the process alive. If it
 * dies, the responses it held fail (500) and the next one starts a new thread.
 */
export class WorkerE2eeEncryptor implements E2eeEncryptor {
  #worker: Worker | undefined;
  readonly #pending = new Map<number, Pending>();
  #batch: AgreeRequest[] = [];
  #nextId = 0;

  encrypt(clientKey: string, plaintext: string): Promise<E2eeEnvelope> {
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      this.#pending.set(id, { plaintext, resolve, reject });
      if (this.#batch.length === 0) setImmediate(() => this.#flush());
      this.#batch.push({ id, clientKey });
    });
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }

  #flush(): void {
    const batch = this.#batch;
    this.#batch = [];
    this.#thread().postMessage(batch);
  }

  #thread(): Worker {
    if (this.#worker) return this.#worker;
    // The compiled worker, also when this module runs from source (tests): src/http and
    // dist/http are both two levels below the package.
    // No inherited flags: a test runner's `--conditions source` would send its imports to TypeScript.
    const worker = new Worker(new URL('../../dist/http/e2ee-worker.js', import.meta.url), { execArgv: [] });
    worker.unref();
    worker.on('message', (replies: AgreeReply[]) => {
      for (const reply of replies) {
        const pending = this.#pending.get(reply.id);
        if (pending === undefined) continue;
        this.#pending.delete(reply.id);
        if ('error' in reply) {
          pending.reject(new Error(`E2EE encryption failed: ${reply.error}`));
          continue;
        }
        try {
          pending.resolve(sealE2eeResponse({ serverPublicKey: reply.serverPublicKey, key: Buffer.from(reply.key.buffer, reply.key.byteOffset, reply.key.byteLength) }, pending.plaintext));
        } catch (error) {
          pending.reject(error instanceof Error ? error : new Error(String(error)));
        }
      }
    });
    const lost = (reason: string) => {
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      for (const pending of this.#pending.values()) pending.reject(new Error(`E2EE worker ${reason}`));
      this.#pending.clear();
    };
    worker.on('error', (error) => lost(`failed: ${error.message}`));
    worker.on('exit', (code) => lost(`exited (${code})`));
    this.#worker = worker;
    return worker;
  }
}
