/**
 * An AWS Secrets Manager protocol emulator for tests: a real `node:http` server on 127.0.0.1
 * speaking AWS JSON 1.1 (`POST /`, `X-Amz-Target: secretsmanager.<Op>`), so the official SDK
 * client is driven unchanged through serialisation, signing and error parsing.
 *
 * It keeps state in memory and implements the operations this plugin uses, with AWS's rules for
 * names, not-found, already-exists, staging labels and ClientRequestToken idempotency. Requests
 * must carry a SigV4 `Authorization` header (any credentials are accepted unless `accessKeyIds` restricts them; the
 * signature is not verified). Fault injection: {@link SecretsManagerEmulator.throttleNext},
 * {@link SecretsManagerEmulator.failNext}, {@link SecretsManagerEmulator.latencyMs}.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';

const NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const VERSION_ID = /^[A-Za-z0-9-]{32,64}$/;
const MAX_SECRET_STRING = 65_536;
const MAX_VERSIONS = 100;
const SIGV4 = /^AWS4-HMAC-SHA256 Credential=[^/\s]+\/\d{8}\/[a-z0-9-]+\/secretsmanager\/aws4_request, ?SignedHeaders=[a-z0-9;-]+, ?Signature=[0-9a-f]{64}$/;

type Json = Record<string, unknown>;

interface StoredVersion {
  id: string;
  secretString?: string;
  secretBinary?: string;
  stages: Set<string>;
  createdAt: number;
}

interface StoredSecret {
  arn: string;
  name: string;
  description?: string;
  kmsKeyId?: string;
  tags: Map<string, string>;
  versions: Map<string, StoredVersion>;
  createdAt: number;
  changedAt: number;
}

class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export interface EmulatorOptions {
  region?: string;
  /** Access key ids accepted; others get `UnrecognizedClientException`, as AWS answers an unknown key. Default: any. */
  accessKeyIds?: readonly string[];
  /** Largest page ListSecrets returns whatever MaxResults asks (AWS: 100). */
  maxListResults?: number;
}

export class SecretsManagerEmulator {
  readonly region: string;
  /** Delay before every answer, in ms. */
  latencyMs = 0;
  /** TCP connections accepted so far: far fewer than requests when the client reuses connections. */
  connections = 0;
  readonly #calls = new Map<string, number>();
  readonly #secrets = new Map<string, StoredSecret>();
  readonly #maxListResults: number;
  #server: Server | undefined;
  #throttle = 0;
  #failures: number[] = [];
  #url = '';
  readonly #accessKeyIds: Set<string> | undefined;
  readonly #sessionTokens = new Map<string, string>();

  constructor(options: EmulatorOptions = {}) {
    this.region = options.region ?? 'us-east-1';
    this.#accessKeyIds = options.accessKeyIds === undefined ? undefined : new Set(options.accessKeyIds);
    this.#maxListResults = options.maxListResults ?? 100;
  }

  static async start(options: EmulatorOptions = {}): Promise<SecretsManagerEmulator> {
    const emulator = new SecretsManagerEmulator(options);
    await emulator.listen();
    return emulator;
  }

  async listen(): Promise<void> {
    const server = createServer((request, response) => void this.#handle(request, response));
    server.on('connection', () => {
      this.connections++;
    });
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.#url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** Base URL to give the SDK client as `endpoint`. */
  get endpoint(): string {
    return this.#url;
  }

  async close(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Accepts temporary credentials (as STS issues them): the key id, with this session token only. */
  allowTemporaryCredentials(accessKeyId: string, sessionToken: string): void {
    this.#accessKeyIds?.add(accessKeyId);
    this.#sessionTokens.set(accessKeyId, sessionToken);
  }

  /** The next `n` requests get `400 ThrottlingException`. */
  throttleNext(n: number): void {
    this.#throttle += n;
  }

  /** The next requests fail with these HTTP statuses (e.g. 500, 503) and `InternalServiceError`. */
  failNext(...statuses: number[]): void {
    this.#failures.push(...statuses);
  }

  /** Calls received per operation since the last reset (throttled and failed ones included). */
  get calls(): Record<string, number> {
    return Object.fromEntries(this.#calls);
  }

  callCount(operation: string): number {
    return this.#calls.get(operation) ?? 0;
  }

  resetCalls(): void {
    this.#calls.clear();
  }

  /** Names of all live secrets, for assertions. */
  secretNames(): string[] {
    return [...this.#secrets.keys()].sort();
  }

  /** Stores a binary-only secret, as another AWS client could (SecretBinary, base64 here). */
  seedBinary(name: string, bytes: Uint8Array): void {
    const now = Date.now() / 1000;
    const id = randomUUID();
    const secret = this.#newSecret(name, now);
    secret.versions.set(id, { id, secretBinary: Buffer.from(bytes).toString('base64'), stages: new Set(['AWSCURRENT']), createdAt: now });
    this.#secrets.set(name, secret);
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('secretsmanager.') ? target.slice('secretsmanager.'.length) : target || 'unknown';
    this.#calls.set(operation, (this.#calls.get(operation) ?? 0) + 1);
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    if (response.destroyed) return;
    let status = 200;
    let body: Json;
    try {
      body = this.#dispatch(request, operation, Buffer.concat(chunks).toString('utf8'));
    } catch (error) {
      const failure = error instanceof AwsError ? error : new AwsError('InternalServiceError', 'internal error', 500);
      status = failure.status;
      body = { __type: failure.type, message: failure.message };
    }
    const text = JSON.stringify(body);
    response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': randomUUID() });
    response.end(text);
  }

  #dispatch(request: IncomingMessage, operation: string, raw: string): Json {
    if (request.method !== 'POST' || (request.url ?? '/') !== '/') throw new AwsError('UnknownOperationException', 'only POST / is served');
    const authorization = request.headers.authorization;
    if (typeof authorization !== 'string' || authorization === '') {
      throw new AwsError('MissingAuthenticationTokenException', 'Request is missing Authentication Token');
    }
    if (!SIGV4.test(authorization) || typeof request.headers['x-amz-date'] !== 'string') {
      throw new AwsError('IncompleteSignatureException', 'Authorization header is not a valid AWS Signature Version 4 header');
    }
    const accessKeyId = /Credential=([^/\s]+)\//.exec(authorization)?.[1] ?? '';
    const sessionToken = this.#sessionTokens.get(accessKeyId);
    if ((this.#accessKeyIds !== undefined && !this.#accessKeyIds.has(accessKeyId)) || (sessionToken !== undefined && request.headers['x-amz-security-token'] !== sessionToken)) {
      throw new AwsError('UnrecognizedClientException', 'The security token included in the request is invalid.');
    }
    if (!String(request.headers['content-type'] ?? '').startsWith('application/x-amz-json-1.1')) {
      throw new AwsError('SerializationException', 'Content-Type must be application/x-amz-json-1.1');
    }
    if (this.#throttle > 0) {
      this.#throttle--;
      throw new AwsError('ThrottlingException', 'Rate exceeded');
    }
    const failure = this.#failures.shift();
    if (failure !== undefined) throw new AwsError('InternalServiceError', 'injected failure', failure);
    let input: Json;
    try {
      const parsed: unknown = JSON.parse(raw === '' ? '{}' : raw);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      input = parsed as Json;
    } catch {
      throw new AwsError('SerializationException', 'body is not a JSON object');
    }
    switch (operation) {
      case 'CreateSecret':
        return this.#create(input);
      case 'PutSecretValue':
        return this.#putValue(input);
      case 'GetSecretValue':
        return this.#getValue(input);
      case 'BatchGetSecretValue':
        return this.#batchGet(input);
      case 'ListSecrets':
        return this.#list(input);
      case 'DescribeSecret':
        return this.#describe(input);
      case 'DeleteSecret':
        return this.#delete(input);
      case 'TagResource':
        return this.#tag(input);
      case 'UntagResource':
        return this.#untag(input);
      default:
        throw new AwsError('UnknownOperationException', `unknown operation ${operation}`);
    }
  }

  #newSecret(name: string, now: number): StoredSecret {
    const arn = `arn:aws:secretsmanager:${this.region}:123456789012:secret:${name}-${randomBytes(3).toString('hex')}`;
    return { arn, name, tags: new Map(), versions: new Map(), createdAt: now, changedAt: now };
  }

  #find(id: unknown): StoredSecret {
    if (typeof id !== 'string' || id === '') throw new AwsError('InvalidParameterException', 'SecretId is required');
    const secret = this.#secrets.get(id) ?? [...this.#secrets.values()].find((candidate) => candidate.arn === id);
    if (!secret) throw new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return secret;
  }

  #value(input: Json): { secretString?: string; secretBinary?: string } {
    const { SecretString: text, SecretBinary: binary } = input;
    if (text !== undefined && binary !== undefined) throw new AwsError('InvalidParameterException', 'give SecretString or SecretBinary, not both');
    if (text !== undefined) {
      if (typeof text !== 'string') throw new AwsError('SerializationException', 'SecretString must be a string');
      if (Buffer.byteLength(text, 'utf8') > MAX_SECRET_STRING) throw new AwsError('ValidationException', 'SecretString exceeds 65536 bytes');
      return { secretString: text };
    }
    if (binary !== undefined) {
      if (typeof binary !== 'string') throw new AwsError('SerializationException', 'SecretBinary must be base64');
      return { secretBinary: binary };
    }
    return {};
  }

  #token(input: Json): string {
    const token = input.ClientRequestToken ?? randomUUID();
    if (typeof token !== 'string' || !VERSION_ID.test(token)) throw new AwsError('ValidationException', 'ClientRequestToken must be 32-64 characters');
    return token;
  }

  #addVersion(secret: StoredSecret, id: string, value: { secretString?: string; secretBinary?: string }, now: number): void {
    for (const version of secret.versions.values()) version.stages.delete('AWSPREVIOUS');
    for (const version of secret.versions.values()) {
      if (version.stages.delete('AWSCURRENT')) version.stages.add('AWSPREVIOUS');
    }
    secret.versions.set(id, { id, ...value, stages: new Set(['AWSCURRENT']), createdAt: now });
    secret.changedAt = now;
    // AWS drops the oldest unlabelled versions beyond about 100.
    for (const version of secret.versions.values()) {
      if (secret.versions.size <= MAX_VERSIONS) break;
      if (version.stages.size === 0) secret.versions.delete(version.id);
    }
  }

  #sameValue(version: StoredVersion, value: { secretString?: string; secretBinary?: string }): boolean {
    return version.secretString === value.secretString && version.secretBinary === value.secretBinary;
  }

  #create(input: Json): Json {
    const name = input.Name;
    if (typeof name !== 'string' || !NAME.test(name)) throw new AwsError('ValidationException', 'Name must be 1-512 characters of A-Za-z0-9/_+=.@-');
    const value = this.#value(input);
    const token = this.#token(input);
    const existing = this.#secrets.get(name);
    if (existing) {
      const version = existing.versions.get(token);
      if (version && this.#sameValue(version, value)) return { ARN: existing.arn, Name: name, VersionId: token };
      throw new AwsError('ResourceExistsException', `The operation failed because the secret ${name} already exists.`);
    }
    const now = Date.now() / 1000;
    const secret = this.#newSecret(name, now);
    if (typeof input.Description === 'string') secret.description = input.Description;
    if (typeof input.KmsKeyId === 'string') secret.kmsKeyId = input.KmsKeyId;
    for (const tag of this.#tags(input.Tags ?? [])) secret.tags.set(tag.Key, tag.Value);
    this.#secrets.set(name, secret);
    if (value.secretString === undefined && value.secretBinary === undefined) return { ARN: secret.arn, Name: name };
    this.#addVersion(secret, token, value, now);
    return { ARN: secret.arn, Name: name, VersionId: token };
  }

  #putValue(input: Json): Json {
    const secret = this.#find(input.SecretId);
    const value = this.#value(input);
    if (value.secretString === undefined && value.secretBinary === undefined) throw new AwsError('InvalidRequestException', 'You must provide either SecretString or SecretBinary.');
    const token = this.#token(input);
    const existing = secret.versions.get(token);
    if (existing) {
      if (!this.#sameValue(existing, value)) throw new AwsError('ResourceExistsException', 'You can’t modify an existing version, you can only create a new version.');
      return { ARN: secret.arn, Name: secret.name, VersionId: token, VersionStages: [...existing.stages] };
    }
    this.#addVersion(secret, token, value, Date.now() / 1000);
    return { ARN: secret.arn, Name: secret.name, VersionId: token, VersionStages: ['AWSCURRENT'] };
  }

  #version(secret: StoredSecret, versionId: unknown, stage: unknown): StoredVersion {
    if (versionId !== undefined) {
      if (typeof versionId !== 'string' || !VERSION_ID.test(versionId)) throw new AwsError('ValidationException', 'VersionId must be 32-64 characters');
      const version = secret.versions.get(versionId);
      if (!version || (typeof stage === 'string' && !version.stages.has(stage))) {
        throw new AwsError('ResourceNotFoundException', `Secrets Manager can't find the specified secret value for VersionId: ${versionId}`);
      }
      return version;
    }
    const wanted = typeof stage === 'string' ? stage : 'AWSCURRENT';
    const version = [...secret.versions.values()].find((candidate) => candidate.stages.has(wanted));
    if (!version) throw new AwsError('ResourceNotFoundException', `Secrets Manager can't find the specified secret value for staging label: ${wanted}`);
    return version;
  }

  #valueEntry(secret: StoredSecret, version: StoredVersion): Json {
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.id,
      ...(version.secretString === undefined ? {} : { SecretString: version.secretString }),
      ...(version.secretBinary === undefined ? {} : { SecretBinary: version.secretBinary }),
      VersionStages: [...version.stages],
      CreatedDate: version.createdAt,
    };
  }

  #getValue(input: Json): Json {
    const secret = this.#find(input.SecretId);
    return this.#valueEntry(secret, this.#version(secret, input.VersionId, input.VersionStage));
  }

  #batchGet(input: Json): Json {
    const { SecretIdList: ids, Filters: filters } = input;
    if ((ids === undefined) === (filters === undefined)) throw new AwsError('InvalidParameterException', 'give either SecretIdList or Filters');
    if (ids !== undefined) {
      if (!Array.isArray(ids) || ids.length < 1 || ids.length > 20) throw new AwsError('ValidationException', 'SecretIdList must hold 1 to 20 ids');
      if (input.MaxResults !== undefined) throw new AwsError('InvalidParameterException', 'MaxResults needs Filters');
      const values: Json[] = [];
      const errors: Json[] = [];
      for (const id of ids) {
        try {
          const secret = this.#find(id);
          values.push(this.#valueEntry(secret, this.#version(secret, undefined, undefined)));
        } catch (error) {
          if (!(error instanceof AwsError)) throw error;
          errors.push({ SecretId: id, ErrorCode: error.type, Message: error.message });
        }
      }
      return { SecretValues: values, Errors: errors };
    }
    const { page, nextToken } = this.#page(this.#filtered(filters), input.MaxResults, input.NextToken, 20);
    const values = page.flatMap((secret) => {
      const version = [...secret.versions.values()].find((candidate) => candidate.stages.has('AWSCURRENT'));
      return version ? [this.#valueEntry(secret, version)] : [];
    });
    return { SecretValues: values, Errors: [], ...(nextToken === undefined ? {} : { NextToken: nextToken }) };
  }

  #filtered(filters: unknown): StoredSecret[] {
    if (filters !== undefined && !Array.isArray(filters)) throw new AwsError('ValidationException', 'Filters must be a list');
    const prefixes: string[] = [];
    for (const filter of (filters ?? []) as Json[]) {
      if (filter.Key !== 'name') throw new AwsError('InvalidParameterException', 'this emulator filters by name only');
      const values = filter.Values;
      if (!Array.isArray(values) || values.some((value) => typeof value !== 'string')) throw new AwsError('ValidationException', 'Filter values must be strings');
      prefixes.push(...(values as string[]));
    }
    return [...this.#secrets.values()]
      .filter((secret) => prefixes.length === 0 || prefixes.some((prefix) => secret.name.startsWith(prefix)))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  #page(all: StoredSecret[], maxResults: unknown, token: unknown, limit: number): { page: StoredSecret[]; nextToken?: string } {
    const size = maxResults === undefined ? limit : Number(maxResults);
    if (!Number.isInteger(size) || size < 1 || size > limit) throw new AwsError('ValidationException', `MaxResults must be 1 to ${limit}`);
    let start = 0;
    if (token !== undefined) {
      start = Number.parseInt(Buffer.from(String(token), 'base64url').toString('utf8'), 10);
      if (!Number.isInteger(start) || start < 0) throw new AwsError('InvalidNextTokenException', 'invalid NextToken');
    }
    const end = start + Math.min(size, this.#maxListResults);
    return { page: all.slice(start, end), ...(end < all.length ? { nextToken: Buffer.from(String(end)).toString('base64url') } : {}) };
  }

  #list(input: Json): Json {
    const { page, nextToken } = this.#page(this.#filtered(input.Filters), input.MaxResults, input.NextToken, 100);
    return {
      SecretList: page.map((secret) => ({
        ARN: secret.arn,
        Name: secret.name,
        ...(secret.description === undefined ? {} : { Description: secret.description }),
        ...(secret.kmsKeyId === undefined ? {} : { KmsKeyId: secret.kmsKeyId }),
        LastChangedDate: secret.changedAt,
        CreatedDate: secret.createdAt,
        ...(secret.tags.size === 0 ? {} : { Tags: this.#tagList(secret) }),
        SecretVersionsToStages: this.#stages(secret),
      })),
      ...(nextToken === undefined ? {} : { NextToken: nextToken }),
    };
  }

  #stages(secret: StoredSecret): Json {
    return Object.fromEntries([...secret.versions.values()].filter((version) => version.stages.size > 0).map((version) => [version.id, [...version.stages]]));
  }

  #tagList(secret: StoredSecret): Json[] {
    return [...secret.tags].map(([Key, Value]) => ({ Key, Value }));
  }

  #describe(input: Json): Json {
    const secret = this.#find(input.SecretId);
    return {
      ARN: secret.arn,
      Name: secret.name,
      ...(secret.description === undefined ? {} : { Description: secret.description }),
      ...(secret.kmsKeyId === undefined ? {} : { KmsKeyId: secret.kmsKeyId }),
      LastChangedDate: secret.changedAt,
      CreatedDate: secret.createdAt,
      Tags: this.#tagList(secret),
      VersionIdsToStages: this.#stages(secret),
    };
  }

  #delete(input: Json): Json {
    const secret = this.#find(input.SecretId);
    if (input.ForceDeleteWithoutRecovery === true && input.RecoveryWindowInDays !== undefined) {
      throw new AwsError('InvalidParameterException', 'ForceDeleteWithoutRecovery and RecoveryWindowInDays are exclusive');
    }
    if (input.ForceDeleteWithoutRecovery !== true) throw new AwsError('InvalidRequestException', 'this emulator supports ForceDeleteWithoutRecovery only');
    this.#secrets.delete(secret.name);
    return { ARN: secret.arn, Name: secret.name, DeletionDate: Date.now() / 1000 };
  }

  #tags(tags: unknown): { Key: string; Value: string }[] {
    if (!Array.isArray(tags) || tags.length > 50) throw new AwsError('ValidationException', 'Tags must be a list of at most 50');
    return tags.map((tag: unknown) => {
      const { Key: key, Value: value } = (tag ?? {}) as Json;
      if (typeof key !== 'string' || key.length < 1 || key.length > 128) throw new AwsError('ValidationException', 'tag keys are 1-128 characters');
      if (key.toLowerCase().startsWith('aws:')) throw new AwsError('InvalidParameterException', 'the aws: prefix is reserved');
      if (typeof value !== 'string' || value.length > 256) throw new AwsError('ValidationException', 'tag values are at most 256 characters');
      return { Key: key, Value: value };
    });
  }

  #tag(input: Json): Json {
    const secret = this.#find(input.SecretId);
    const tags = this.#tags(input.Tags);
    if (new Set([...secret.tags.keys(), ...tags.map((tag) => tag.Key)]).size > 50) throw new AwsError('LimitExceededException', 'at most 50 tags');
    for (const tag of tags) secret.tags.set(tag.Key, tag.Value);
    return {};
  }

  #untag(input: Json): Json {
    const secret = this.#find(input.SecretId);
    const keys = input.TagKeys;
    if (!Array.isArray(keys) || keys.some((key) => typeof key !== 'string')) throw new AwsError('ValidationException', 'TagKeys must be a list of strings');
    for (const key of keys as string[]) secret.tags.delete(key);
    return {};
  }
}
