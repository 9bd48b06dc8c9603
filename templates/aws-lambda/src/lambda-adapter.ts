import type { RotationHandler } from './rotation-handler.js';

/**
 * The parts of an API Gateway HTTP API / Lambda function URL event (payload format 2.0) that a
 * rotation function reads. Declared here so the template needs no AWS packages; the fields match
 * `APIGatewayProxyEventV2` of `@types/aws-lambda`.
 */
export interface HttpEventV2 {
  version?: string;
  rawPath?: string;
  headers?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded?: boolean;
  requestContext?: { http?: { method?: string } };
}

/** `APIGatewayProxyStructuredResultV2` of `@types/aws-lambda`, as far as used here. */
export interface HttpResultV2 {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: false;
}

/** Turns the platform-neutral handler into a Lambda handler for payload format 2.0 events. */
export function createLambdaHandler(handle: RotationHandler): (event: HttpEventV2) => Promise<HttpResultV2> {
  return async (event) => {
    const method = event.requestContext?.http?.method;
    if (event.version !== '2.0' || method === undefined) {
      // A REST API (payload 1.0) or a direct invocation: say so rather than fail the signature check.
      return toResult({ status: 400, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ error: 'expected an HTTP API or function URL event (payload format 2.0)' }) });
    }
    // The signature covers the bytes Keygate sent; a binary-typed body arrives base64-encoded.
    const rawBody = event.isBase64Encoded === true ? Buffer.from(event.body ?? '', 'base64') : (event.body ?? '');
    const headers = lowerCaseKeys(event.headers ?? {});
    return toResult(await handle({ method, header: (name) => headers.get(name.toLowerCase()), rawBody }));
  };
}

function lowerCaseKeys(headers: Record<string, string | undefined>): Map<string, string> {
  const lowered = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) lowered.set(name.toLowerCase(), value);
  }
  return lowered;
}

function toResult(answer: { status: number; headers: Record<string, string>; body: string }): HttpResultV2 {
  return { statusCode: answer.status, headers: answer.headers, body: answer.body, isBase64Encoded: false };
}
