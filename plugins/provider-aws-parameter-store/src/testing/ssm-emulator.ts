/**
 * An AWS Systems Manager (Parameter Store) protocol emulator for tests: a real `node:http` server
 * on 127.0.0.1 speaking AWS JSON 1.1 (`POST /`, `X-Amz-Target: AmazonSSM.<Op>`), so the official
 * SDK client is driven unchanged through serialisation, signing and error parsing.
 *
 * It keeps state in memory and implements the operations this plugin uses with SSM's rules:
 * integer versions (`name:version` selectors), at most 100 versions, non-empty values of at most
 * 4 KB (Standard) / 8 KB (Advanced), `Overwrite` and `ParameterAlreadyExists`, Tags refused together
 * with Overwrite, one-level path listings with SSM's page limits (10 for GetParametersByPath, 50 for
 * DescribeParameters), tags. Requests must carry a SigV4 `Authorization` header (any credentials
 * are accepted unless `accessKeyIds` restricts them; the signature is not verified). Fault injection: {@link SsmEmulator.throttleNext},
 * {@link SsmEmulator.failNext}, {@link SsmEmulator.latencyMs}; call counts per operation.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';

const NAME = /^\/?[A-Za-z0-9_.\-/]{1,1011}$/;
const MAX_VERSIONS = 100;
const MAX_VALUE: Record<string, number> = { Standard: 4096, Advanced: 8192 };
const SIGV4 = /^AWS4-HMAC-SHA256 Credential=[^/\s]+\/\d{8}\/[a-z0-9-]+\/ssm\/aws4_request, ?SignedHeaders=[a-z0-9;-]+, ?Signature=[0-9a-f]{64}$/;

type Json = Record<string, unknown>;

interface StoredVersion {
  version: number;
  value: string;
  type: string;
  keyId?: string;
  modifiedAt: number;
}

interface StoredParameter {
  name: string;
  tier: string;
  tags: Map<string, string>;
  versions: StoredVersion[];
  last: number;
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

export interface SsmEmulatorOptions {
  region?: string;
  /** Access key ids accepted; others get `UnrecognizedClientException`, as AWS answers an unknown key. Default: any. */
  accessKeyIds?: readonly string[];
  /** Largest page GetParametersByPath returns whatever MaxResults asks (AWS: 10). */
  maxPathResults?: number;
}

export class SsmEmulator {
  readonly region: string;
  /** Delay before every answer, in ms. */
  latencyMs = 0;
  /** TCP connections accepted so far: far fewer than requests when the client reuses connections. */
  connections = 0;
  readonly #calls = new Map<string, number>();
  readonly #parameters = new Map<string, StoredParameter>();
  readonly #maxPathResults: number;
  #server: Server | undefined;
  #throttle = 0;
  #failures: number[] = [];
  #url = '';
  readonly #accessKeyIds: ReadonlySet<string> | undefined;

  constructor(options: SsmEmulatorOptions = {}) {
    this.region = options.region ?? 'us-east-1';
    this.#accessKeyIds = options.accessKeyIds === undefined ? undefined : new Set(options.accessKeyIds);
    this.#maxPathResults = options.maxPathResults ?? 10;
  }

  static async start(options: SsmEmulatorOptions = {}): Promise<SsmEmulator> {
    const emulator = new SsmEmulator(options);
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

  /** The next `n` requests get `400 ThrottlingException`. */
  throttleNext(n: number): void {
    this.#throttle += n;
  }

  /** The next requests fail with these HTTP statuses (e.g. 500, 503) and `InternalServerError`. */
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

  /** Names of all parameters, for assertions. */
  parameterNames(): string[] {
    return [...this.#parameters.keys()].sort();
  }

  /** The stored (raw) current value, type and KMS key of a parameter, for assertions. */
  stored(name: string): { value: string; type: string; keyId?: string; tier: string; version: number } | undefined {
    const parameter = this.#parameters.get(name);
    const current = parameter?.versions.at(-1);
    if (!parameter || !current) return undefined;
    return { value: current.value, type: current.type, ...(current.keyId === undefined ? {} : { keyId: current.keyId }), tier: parameter.tier, version: current.version };
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('AmazonSSM.') ? target.slice('AmazonSSM.'.length) : target || 'unknown';
    this.#calls.set(operation, (this.#calls.get(operation) ?? 0) + 1);
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    if (response.destroyed) return;
    let status = 200;
    let body: Json;
    try {
      body = this.#dispatch(request, operation, Buffer.concat(chunks).toString('utf8'));
    } catch (error) {
      const failure = error instanceof AwsError ? error : new AwsError('InternalServerError', 'internal error', 500);
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
    if (this.#accessKeyIds !== undefined && !this.#accessKeyIds.has(accessKeyId)) {
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
    if (failure !== undefined) throw new AwsError('InternalServerError', 'injected failure', failure);
    let input: Json;
    try {
      const parsed: unknown = JSON.parse(raw === '' ? '{}' : raw);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      input = parsed as Json;
    } catch {
      throw new AwsError('SerializationException', 'body is not a JSON object');
    }
    switch (operation) {
      case 'PutParameter':
        return this.#put(input);
      case 'GetParameter':
        return this.#get(input);
      case 'GetParametersByPath':
        return this.#byPath(input);
      case 'DeleteParameter':
        return this.#delete(input);
      case 'DescribeParameters':
        return this.#describe(input);
      case 'AddTagsToResource':
        return this.#addTags(input);
      case 'RemoveTagsFromResource':
        return this.#removeTags(input);
      case 'ListTagsForResource':
        return this.#listTags(input);
      default:
        throw new AwsError('UnknownOperationException', `unknown operation ${operation}`);
    }
  }

  #checkName(name: unknown): string {
    if (typeof name !== 'string' || !NAME.test(name) || name.includes('//') || (name.includes('/') && !name.startsWith('/'))) {
      throw new AwsError('ValidationException', 'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive) and must use a-zA-Z0-9_.-/ ; a hierarchical name must be fully qualified');
    }
    if (/^\/?(aws|ssm)/i.test(name)) throw new AwsError('ValidationException', 'No access to reserved parameter name');
    if (name.split('/').length - 1 > 15) throw new AwsError('HierarchyLevelLimitExceededException', 'hierarchy levels exceed 15');
    return name;
  }

  #find(name: unknown): StoredParameter {
    if (typeof name !== 'string' || name === '') throw new AwsError('ValidationException', 'Name is required');
    const parameter = this.#parameters.get(name);
    if (!parameter) throw new AwsError('ParameterNotFound', '');
    return parameter;
  }

  #tags(tags: unknown): { Key: string; Value: string }[] {
    if (!Array.isArray(tags) || tags.length > 50) throw new AwsError('ValidationException', 'Tags must be a list of at most 50');
    return tags.map((tag: unknown) => {
      const { Key: key, Value: value } = (tag ?? {}) as Json;
      if (typeof key !== 'string' || key.length < 1 || key.length > 128) throw new AwsError('ValidationException', 'tag keys are 1-128 characters');
      if (key.toLowerCase().startsWith('aws:')) throw new AwsError('InvalidParameters', 'the aws: prefix is reserved');
      if (typeof value !== 'string' || value.length > 256) throw new AwsError('ValidationException', 'tag values are at most 256 characters');
      return { Key: key, Value: value };
    });
  }

  #put(input: Json): Json {
    const name = this.#checkName(input.Name);
    const { Value: value, Type: type = 'String', Overwrite: overwrite, Tier: tierInput, KeyId: keyId, Tags: tags } = input;
    if (typeof value !== 'string' || value.length < 1) throw new AwsError('ValidationException', "1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1");
    if (type !== 'String' && type !== 'StringList' && type !== 'SecureString') throw new AwsError('ValidationException', 'Type must be String, StringList or SecureString');
    if (keyId !== undefined && type !== 'SecureString') throw new AwsError('ValidationException', 'KeyId is only for SecureString');
    if (tags !== undefined && overwrite === true) throw new AwsError('ValidationException', 'Invalid request: tags and overwrite can\'t be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.');
    if (tierInput !== undefined && tierInput !== 'Standard' && tierInput !== 'Advanced') throw new AwsError('ValidationException', 'Tier must be Standard or Advanced here');
    const existing = this.#parameters.get(name);
    if (existing && overwrite !== true) throw new AwsError('ParameterAlreadyExists', 'The parameter already exists. To overwrite this request, set the overwrite option in the request to true.');
    if (existing?.tier === 'Advanced' && tierInput === 'Standard') throw new AwsError('ValidationException', 'This parameter uses the advanced-parameter tier. You can\'t downgrade a parameter from the advanced-parameter tier to the standard-parameter tier.');
    const tier = typeof tierInput === 'string' ? tierInput : (existing?.tier ?? 'Standard');
    if (Buffer.byteLength(value, 'utf8') > MAX_VALUE[tier]!) throw new AwsError('ValidationException', `${tier} tier parameters support a maximum parameter value of ${MAX_VALUE[tier]} characters.`);
    const parameter = existing ?? { name, tier, tags: new Map<string, string>(), versions: [], last: 0 };
    if (!existing) for (const tag of this.#tags(tags ?? [])) parameter.tags.set(tag.Key, tag.Value);
    parameter.tier = tier;
    if (parameter.versions.length >= MAX_VERSIONS) parameter.versions.shift();
    const version = ++parameter.last;
    parameter.versions.push({ version, value, type, ...(typeof keyId === 'string' ? { keyId } : type === 'SecureString' ? { keyId: 'alias/aws/ssm' } : {}), modifiedAt: Date.now() / 1000 });
    this.#parameters.set(name, parameter);
    return { Version: version, Tier: tier };
  }

  #arn(name: string): string {
    return `arn:aws:ssm:${this.region}:123456789012:parameter${name.startsWith('/') ? '' : '/'}${name}`;
  }

  #entry(parameter: StoredParameter, version: StoredVersion, decrypt: boolean, selector?: string): Json {
    const value = version.type === 'SecureString' && !decrypt ? `AQICAH${Buffer.from(version.value).toString('base64')}` : version.value;
    return {
      Name: parameter.name,
      Type: version.type,
      Value: value,
      Version: version.version,
      LastModifiedDate: version.modifiedAt,
      ARN: this.#arn(parameter.name),
      DataType: 'text',
      ...(selector === undefined ? {} : { Selector: selector }),
    };
  }

  #get(input: Json): Json {
    const raw = input.Name;
    if (typeof raw !== 'string' || raw === '') throw new AwsError('ValidationException', 'Name is required');
    const colon = raw.lastIndexOf(':');
    const name = colon < 0 ? raw : raw.slice(0, colon);
    const selector = colon < 0 ? undefined : raw.slice(colon + 1);
    const parameter = this.#find(name);
    let version = parameter.versions.at(-1)!;
    if (selector !== undefined) {
      if (!/^[1-9][0-9]*$/.test(selector)) throw new AwsError('ParameterVersionLabelNotFound', 'this emulator supports version selectors only');
      const found = parameter.versions.find((candidate) => candidate.version === Number(selector));
      if (!found) throw new AwsError('ParameterVersionNotFound', `Systems Manager could not find version ${selector} of ${name}.`);
      version = found;
    }
    return { Parameter: this.#entry(parameter, version, input.WithDecryption === true, selector === undefined ? undefined : `:${selector}`) };
  }

  #page<T>(all: T[], maxResults: unknown, token: unknown, limit: number, cap: number): { page: T[]; nextToken?: string } {
    const size = maxResults === undefined ? limit : Number(maxResults);
    if (!Number.isInteger(size) || size < 1 || size > limit) throw new AwsError('ValidationException', `MaxResults must be 1 to ${limit}`);
    let start = 0;
    if (token !== undefined) {
      start = Number.parseInt(Buffer.from(String(token), 'base64url').toString('utf8'), 10);
      if (!Number.isInteger(start) || start < 0) throw new AwsError('InvalidNextToken', 'The specified token is not valid.');
    }
    const end = start + Math.min(size, cap);
    return { page: all.slice(start, end), ...(end < all.length ? { nextToken: Buffer.from(String(end)).toString('base64url') } : {}) };
  }

  #sorted(): StoredParameter[] {
    return [...this.#parameters.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  #under(path: string, recursive: boolean): (parameter: StoredParameter) => boolean {
    const prefix = path === '/' ? '/' : `${path.replace(/\/$/, '')}/`;
    return (parameter) => parameter.name.startsWith(prefix) && (recursive || !parameter.name.slice(prefix.length).includes('/'));
  }

  #checkPath(path: unknown): string {
    if (typeof path !== 'string' || !path.startsWith('/') || !/^[A-Za-z0-9_.\-/]+$/.test(path) || path.includes('//')) {
      throw new AwsError('ValidationException', 'The parameter doesn\'t meet the parameter name requirements. The parameter name must begin with a forward slash "/".');
    }
    return path;
  }

  #byPath(input: Json): Json {
    const path = this.#checkPath(input.Path);
    if (input.ParameterFilters !== undefined) throw new AwsError('ValidationException', 'this emulator does not filter GetParametersByPath');
    const matching = this.#sorted().filter(this.#under(path, input.Recursive === true));
    const { page, nextToken } = this.#page(matching, input.MaxResults, input.NextToken, 10, this.#maxPathResults);
    return {
      Parameters: page.map((parameter) => this.#entry(parameter, parameter.versions.at(-1)!, input.WithDecryption === true)),
      ...(nextToken === undefined ? {} : { NextToken: nextToken }),
    };
  }

  #describe(input: Json): Json {
    let matching = this.#sorted();
    const filters = input.ParameterFilters ?? [];
    if (!Array.isArray(filters)) throw new AwsError('ValidationException', 'ParameterFilters must be a list');
    for (const filter of filters as Json[]) {
      const values = filter.Values;
      if (!Array.isArray(values) || values.length < 1 || values.some((value) => typeof value !== 'string')) throw new AwsError('InvalidFilterValue', 'filter values must be strings');
      const strings = values as string[];
      if (filter.Key === 'Path') {
        const option = filter.Option ?? 'OneLevel';
        if (option !== 'OneLevel' && option !== 'Recursive') throw new AwsError('InvalidFilterOption', 'Path takes OneLevel or Recursive');
        const tests = strings.map((value) => this.#under(this.#checkPath(value), option === 'Recursive'));
        matching = matching.filter((parameter) => tests.some((test) => test(parameter)));
      } else if (filter.Key === 'Name') {
        const option = filter.Option ?? 'Equals';
        matching = matching.filter((parameter) => strings.some((value) => (option === 'BeginsWith' ? parameter.name.startsWith(value) : parameter.name === value)));
      } else {
        throw new AwsError('InvalidFilterKey', 'this emulator filters by Path and Name only');
      }
    }
    const { page, nextToken } = this.#page(matching, input.MaxResults, input.NextToken, 50, 50);
    return {
      Parameters: page.map((parameter) => {
        const current = parameter.versions.at(-1)!;
        return {
          Name: parameter.name,
          ARN: this.#arn(parameter.name),
          Type: current.type,
          ...(current.keyId === undefined ? {} : { KeyId: current.keyId }),
          LastModifiedDate: current.modifiedAt,
          LastModifiedUser: 'arn:aws:iam::123456789012:user/emulator',
          Version: current.version,
          Tier: parameter.tier,
          Policies: [],
          DataType: 'text',
        };
      }),
      ...(nextToken === undefined ? {} : { NextToken: nextToken }),
    };
  }

  #delete(input: Json): Json {
    const parameter = this.#find(input.Name);
    this.#parameters.delete(parameter.name);
    return {};
  }

  #resource(input: Json): StoredParameter {
    if (input.ResourceType !== 'Parameter') throw new AwsError('InvalidResourceType', 'this emulator tags parameters only');
    const id = input.ResourceId;
    const parameter = typeof id === 'string' ? this.#parameters.get(id) : undefined;
    if (!parameter) throw new AwsError('InvalidResourceId', 'The resource ID is not valid. Verify that the ID is correct and try again.');
    return parameter;
  }

  #addTags(input: Json): Json {
    const parameter = this.#resource(input);
    const tags = this.#tags(input.Tags);
    if (tags.length === 0) throw new AwsError('ValidationException', 'Tags must not be empty');
    if (new Set([...parameter.tags.keys(), ...tags.map((tag) => tag.Key)]).size > 50) throw new AwsError('TooManyTagsError', 'at most 50 tags');
    for (const tag of tags) parameter.tags.set(tag.Key, tag.Value);
    return {};
  }

  #removeTags(input: Json): Json {
    const parameter = this.#resource(input);
    const keys = input.TagKeys;
    if (!Array.isArray(keys) || keys.some((key) => typeof key !== 'string')) throw new AwsError('ValidationException', 'TagKeys must be a list of strings');
    for (const key of keys as string[]) parameter.tags.delete(key);
    return {};
  }

  #listTags(input: Json): Json {
    const parameter = this.#resource(input);
    return { TagList: [...parameter.tags].map(([Key, Value]) => ({ Key, Value })) };
  }
}
