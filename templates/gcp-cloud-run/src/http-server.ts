import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { MAX_BODY_BYTES, type OutgoingAnswer, type RotationHandler } from './rotation-handler.js';

/** Paths Keygate may be pointed at: the service root or `/rotate`. */
const ROUTES = new Set(['/', '/rotate']);

/** A plain node:http server that feeds every call to the platform-neutral handler. */
export function createRotationServer(handle: RotationHandler): Server {
  return createServer((req, res) => {
    serve(handle, req, res).catch(() => {
      // Only reached on a bug here; the handler itself always answers.
      if (!res.headersSent) send(res, { status: 500, headers: { 'content-type': 'application/json' }, body: '{"error":"internal error"}' });
      else res.destroy();
    });
  });
}

async function serve(handle: RotationHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (!ROUTES.has(path)) {
    send(res, { status: 404, headers: { 'content-type': 'application/json' }, body: '{"error":"not found"}' });
    return;
  }
  const rawBody = await readBody(req);
  if (rawBody === undefined) {
    send(res, { status: 413, headers: { 'content-type': 'application/json' }, body: '{"error":"body too large"}' });
    return;
  }
  const answer = await handle({
    method: req.method ?? 'GET',
    header: (name) => {
      const value = req.headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(', ') : value;
    },
    rawBody,
  });
  send(res, answer);
}

/**
 * The body's bytes exactly as received (the signature covers them), or undefined past the limit.
 * An oversized body is still read to its end (and dropped) so that the client gets the 413 instead
 * of a reset connection; Cloud Run caps request bodies itself.
 */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, answer: OutgoingAnswer): void {
  res.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
  res.end(answer.body);
}
