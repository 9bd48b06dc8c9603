/**
 * An AWS STS emulator for tests: a real `node:http` server on 127.0.0.1 answering `AssumeRole` in
 * STS's AWS Query protocol (form-encoded `POST /`, XML answers and `ErrorResponse` errors), so the
 * official `@aws-sdk/client-sts` is driven unchanged. It checks the caller's SigV4 access key, the
 * role's ARN and external id, and hands out temporary credentials (`ASIA…` key, session token,
 * expiration), reporting each issue to `onIssued` so a service emulator can accept them.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface EmulatorRole {
  arn: string;
  /** When set, AssumeRole must carry this ExternalId. */
  externalId?: string;
  /** Access key ids allowed to assume the role (the trust policy). */
  trustedAccessKeyIds: readonly string[];
}

export interface StsEmulatorOptions {
  roles: readonly EmulatorRole[];
  /** Called with every credential issued. */
  onIssued?: (credentials: { accessKeyId: string; sessionToken: string; roleArn: string }) => void;
}

const SIGV4 = /^AWS4-HMAC-SHA256 Credential=([^/\s]+)\/\d{8}\/[a-z0-9-]+\/sts\/aws4_request, ?SignedHeaders=[a-z0-9;-]+, ?Signature=[0-9a-f]{64}$/;

class StsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const escapeXml = (text: string): string => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

export class StsEmulator {
  /** AssumeRole calls answered (refused ones included). */
  assumeRoleCalls = 0;
  readonly #server: Server;
  readonly #options: StsEmulatorOptions;

  private constructor(options: StsEmulatorOptions) {
    this.#options = options;
    this.#server = createServer((request, response) => void this.#handle(request, response));
  }

  static async start(options: StsEmulatorOptions): Promise<StsEmulator> {
    const emulator = new StsEmulator(options);
    await new Promise<void>((resolve) => emulator.#server.listen(0, '127.0.0.1', resolve));
    return emulator;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const requestId = randomUUID();
    let status = 200;
    let xml: string;
    try {
      xml = this.#dispatch(request, new URLSearchParams(Buffer.concat(chunks).toString('utf8')), requestId);
    } catch (error) {
      const failure = error instanceof StsError ? error : new StsError('InternalFailure', 'internal error', 500);
      status = failure.status;
      xml =
        `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type>` +
        `<Code>${failure.code}</Code><Message>${escapeXml(failure.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    }
    response.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(xml), 'x-amzn-requestid': requestId });
    response.end(xml);
  }

  #dispatch(request: IncomingMessage, form: URLSearchParams, requestId: string): string {
    if (request.method !== 'POST') throw new StsError('InvalidAction', 'only POST is served');
    const callerKey = SIGV4.exec(request.headers.authorization ?? '')?.[1];
    if (callerKey === undefined) throw new StsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
    if (form.get('Action') !== 'AssumeRole') throw new StsError('InvalidAction', `unknown action ${form.get('Action') ?? ''}`);
    if (form.get('Version') !== '2011-06-15') throw new StsError('InvalidParameterValue', 'unsupported Version');
    this.assumeRoleCalls++;
    const arn = form.get('RoleArn') ?? '';
    const sessionName = form.get('RoleSessionName') ?? '';
    if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) throw new StsError('ValidationError', 'RoleSessionName is invalid');
    const duration = Number(form.get('DurationSeconds') ?? '3600');
    if (!Number.isInteger(duration) || duration < 900 || duration > 43_200) throw new StsError('ValidationError', 'DurationSeconds is out of range');
    const role = this.#options.roles.find((candidate) => candidate.arn === arn);
    const trusted = role !== undefined && role.trustedAccessKeyIds.includes(callerKey) && (role.externalId === undefined || role.externalId === form.get('ExternalId'));
    if (!trusted) throw new StsError('AccessDenied', `User is not authorized to perform: sts:AssumeRole on resource: ${arn}`, 403);

    const accessKeyId = `ASIA${randomBytes(8).toString('hex').toUpperCase()}`;
    const secretAccessKey = randomBytes(30).toString('base64');
    const sessionToken = randomBytes(64).toString('base64');
    const expiration = new Date(Date.now() + duration * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    this.#options.onIssued?.({ accessKeyId, sessionToken, roleArn: arn });
    const account = /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(arn)?.[1] ?? '123456789012';
    return (
      `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>` +
      `<AssumedRoleUser><AssumedRoleId>AROA${randomBytes(8).toString('hex').toUpperCase()}:${escapeXml(sessionName)}</AssumedRoleId>` +
      `<Arn>arn:aws:sts::${account}:assumed-role/${escapeXml(arn.split('/').pop() ?? '')}/${escapeXml(sessionName)}</Arn></AssumedRoleUser>` +
      `<Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>${secretAccessKey}</SecretAccessKey>` +
      `<SessionToken>${sessionToken}</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
      `</AssumeRoleResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></AssumeRoleResponse>`
    );
  }
}
