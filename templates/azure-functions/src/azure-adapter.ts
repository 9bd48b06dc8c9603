import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { RotationHandler } from './rotation-handler.js';

/** Turns the platform-neutral handler into an HTTP-triggered function handler (v4 programming model). */
export function createAzureHandler(handle: RotationHandler): (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit> {
  return async (request, context) => {
    // The signature covers the bytes Keygate sent, so the body is read raw, never as parsed JSON.
    const rawBody = Buffer.from(await request.arrayBuffer());
    const answer = await handle({ method: request.method, header: (name) => request.headers.get(name) ?? undefined, rawBody });
    if (answer.status >= 400) context.warn(`rotation call answered ${answer.status}`);
    return { status: answer.status, headers: answer.headers, body: answer.body };
  };
}
