import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A canned answer that replaces the fixture's normal one, to simulate a broken upstream. */
export type Fault = (request: IncomingMessage, response: ServerResponse) => void;

export const faults = {
  /** Answers `status` with a small JSON error body. */
  status: (status: number): Fault => (_req, res) => sendJson(res, status, { error: `injected ${status}` }),
  /** 200 with a body that is not JSON. */
  garbage: (): Fault => (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"secrets": {"A": "unterminated');
  },
  /** 200 with a JSON body declared as HTML. */
  wrongContentType: (body: unknown): Fault => (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(JSON.stringify(body));
  },
  /** 200 with a body of `bytes` bytes, streamed. */
  huge: (bytes: number): Fault => (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let sent = 0;
    const pump = (): void => {
      while (sent < bytes) {
        sent += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    res.on('error', () => undefined);
    pump();
  },
  /** Sends the headers at once, then trickles the body out slower than any sane timeout. */
  slowBody: (): Fault => (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"secrets": {');
    const timer = setInterval(() => res.write(' '), 200);
    res.on('close', () => clearInterval(timer));
  },
  /** Never answers. */
  hang: (): Fault => () => undefined,
  /** Closes the connection without an answer. */
  reset: (): Fault => (req) => req.socket.destroy(),
};

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * A real HTTP server on a loopback port with a queue of faults: each request first takes the next
 * queued fault, if any, instead of the normal handler.
 */
export abstract class HttpFixture {
  readonly #server: Server;
  readonly #faults: Fault[] = [];
  #url = '';
  /** Requests answered, faults included. */
  requestCount = 0;

  protected constructor() {
    this.#server = createServer((req, res) => {
      this.requestCount += 1;
      const fault = this.#faults.shift();
      if (fault) {
        // The body is drained so the client sees the fault, not a write error.
        req.resume();
        fault(req, res);
        return;
      }
      this.handle(req, res).catch(() => {
        if (!res.headersSent) sendJson(res, 500, { error: 'fixture failed' });
        else res.destroy();
      });
    });
  }

  protected abstract handle(req: IncomingMessage, res: ServerResponse): Promise<void>;

  protected async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.#url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  get url(): string {
    return this.#url;
  }

  /** Queues faults for the next requests, in order. */
  inject(...faults: Fault[]): void {
    this.#faults.push(...faults);
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
