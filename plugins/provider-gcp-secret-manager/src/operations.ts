import {
  KeygateError,
  NotFoundError,
  Secret,
  UnsupportedError,
  InvalidInputError,
  type GetOptions,
  type PutOptions,
  type PutResult,
  type SecretMetadata,
  type SecretRef,
  type SecretScope,
  type SecretValue,
} from '@keygate/core';
import type { Caller } from './client.js';
import type { ResolvedConfig } from './config.js';
import { Status, isStatus } from './failures.js';
import { keyOf, secretIdOf, versionOf, type SecretIdTemplate } from './names.js';
import type { ISecret, ISecretVersion } from './sdk.js';

/** A secret version's payload holds at most 64 KiB. */
export const MAX_VALUE_BYTES = 65_536;
/** Parallel AccessSecretVersion / GetSecretVersion calls of one getAll or listMetadata. */
export const READ_CONCURRENCY = 8;
/** Annotation that records the Keygate key (needed for hashed ids, written on every secret). */
export const KEY_ANNOTATION = 'keygate-key';
/** Create / add-version ping-pong bound when another writer deletes the same key meanwhile. */
const MAX_ROUNDS = 4;
const MAX_LABELS = 64;
// GCP label rules: keys 1–63 characters, starting with a lowercase letter; keys and values hold
// lowercase letters, digits, "_" and "-" (international lowercase letters allowed); values ≤ 63.
const LABEL_KEY = /^\p{Ll}[\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u;
const LABEL_VALUE = /^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export interface Settings {
  template: SecretIdTemplate;
  disableOldVersions: boolean;
  versions: boolean;
}

export function settingsOf(config: ResolvedConfig): Settings {
  return { template: config.template, disableOldVersions: config.disableOldVersions, versions: !config.disableOldVersions };
}

function secretName(caller: Caller, secretId: string): string {
  return `projects/${caller.projectId}/secrets/${secretId}`;
}

function describeScope(scope: SecretScope): string {
  return `environment ${scope.tenant}/${scope.project}/${scope.environment}`;
}

/** Checks labels against GCP's label rules before anything is written. */
export function checkLabels(labels: unknown): Record<string, string> {
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) throw new InvalidInputError('labels must be an object of strings');
  const entries = Object.entries(labels as Record<string, unknown>);
  if (entries.length > MAX_LABELS) throw new InvalidInputError(`Google Secret Manager allows at most ${MAX_LABELS} labels per secret`);
  for (const [name, value] of entries) {
    if (!LABEL_KEY.test(name) || Buffer.byteLength(name) > 128) {
      throw new InvalidInputError(`label name "${name}" is not a valid GCP label key (1–63 characters: lowercase letters, digits, "_" and "-", starting with a lowercase letter)`);
    }
    if (typeof value !== 'string' || !LABEL_VALUE.test(value) || Buffer.byteLength(value) > 128) {
      throw new InvalidInputError(`label "${name}" must be a GCP label value (at most 63 characters: lowercase letters, digits, "_" and "-")`);
    }
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

function bytesOf(data: Uint8Array | string | null | undefined): Buffer {
  if (data === null || data === undefined) return Buffer.alloc(0);
  return typeof data === 'string' ? Buffer.from(data, 'base64') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function textOf(key: string, data: Uint8Array | string | null | undefined): Secret {
  try {
    return new Secret(utf8.decode(bytesOf(data)));
  } catch {
    throw new UnsupportedError(`secret "${key}" holds a binary value; this provider reads UTF-8 text only`, { key });
  }
}

function dateOf(timestamp: { seconds?: unknown; nanos?: unknown } | null | undefined): Date | undefined {
  if (!timestamp || timestamp.seconds === undefined || timestamp.seconds === null) return undefined;
  const millis = Number(timestamp.seconds) * 1000 + Math.floor(Number(timestamp.nanos ?? 0) / 1e6);
  return Number.isFinite(millis) ? new Date(millis) : undefined;
}

async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export async function getSecret(caller: Caller, settings: Settings, ref: SecretRef, options: GetOptions = {}): Promise<SecretValue> {
  const id = settings.template.secretId(ref);
  const { version } = options;
  if (version !== undefined) {
    if (!settings.versions) {
      throw new UnsupportedError('earlier versions are disabled after each write (disableOldVersions), so they cannot be read back; set disableOldVersions: false', { key: ref.key });
    }
    if (typeof version !== 'string' || !/^[1-9]\d{0,17}$/.test(version)) throw new NotFoundError(`secret "${ref.key}" has no version of that id`);
  }
  const target = `secret "${ref.key}"`;
  let response;
  try {
    [response] = await caller.call('AccessSecretVersion', target, (client, callOptions) =>
      client.accessSecretVersion({ name: `${secretName(caller, id)}/versions/${version ?? 'latest'}` }, callOptions),
    );
  } catch (error) {
    // A disabled or destroyed version cannot be read: for the caller it is not there.
    if (isStatus(error, Status.FAILED_PRECONDITION)) throw new NotFoundError(`${target} has no readable version${version === undefined ? '' : ' of that id'}`);
    throw error;
  }
  const read = versionOf(response.name);
  return { key: ref.key, value: textOf(ref.key, response.payload?.data), ...(read === undefined ? {} : { version: read }) };
}

async function addVersion(caller: Caller, name: string, target: string, data: Buffer): Promise<string> {
  const [version] = await caller.call('AddSecretVersion', target, (client, callOptions) => client.addSecretVersion({ parent: name, payload: { data } }, callOptions));
  const id = versionOf(version.name);
  if (id === undefined) throw new KeygateError('PROVIDER_REJECTED', `Google Secret Manager AddSecretVersion for ${target} returned no version number`);
  return id;
}

/**
 * Writes a new version: AddSecretVersion; when the secret does not exist, CreateSecret (automatic
 * replication, the labels, the key annotation) first — a lost create race (ALREADY_EXISTS) simply
 * continues. Given labels replace the secret's labels. With `disableOldVersions`, the previous
 * version is then disabled.
 *
 * `ifVersion` is refused: Secret Manager cannot make adding a version conditional on the current
 * one, and a read-then-write check would be a race presented as a guarantee.
 */
export async function putSecret(caller: Caller, settings: Settings, ref: SecretRef, value: Secret, options: PutOptions = {}): Promise<PutResult> {
  if (options.ifVersion !== undefined) {
    throw new UnsupportedError('Google Secret Manager has no atomic compare-and-set: ifVersion is not supported (capabilities.compareAndSet is false)', { key: ref.key });
  }
  const labels = options.labels === undefined ? undefined : checkLabels(options.labels);
  const id = settings.template.secretId(ref);
  if (value.byteLength > MAX_VALUE_BYTES) {
    throw new KeygateError('PAYLOAD_TOO_LARGE', `secret "${ref.key}" is larger than the ${MAX_VALUE_BYTES} bytes a Google Secret Manager version holds`);
  }
  const name = secretName(caller, id);
  const target = `secret "${ref.key}"`;
  const data = Buffer.from(value.reveal(), 'utf8');

  let version: string | undefined;
  let labelled = false;
  for (let round = 1; version === undefined; round++) {
    try {
      version = await addVersion(caller, name, target, data);
      break;
    } catch (error) {
      if (!isStatus(error, Status.NOT_FOUND) || round >= MAX_ROUNDS) throw error;
    }
    try {
      const secret: ISecret = { replication: { automatic: {} }, annotations: { [KEY_ANNOTATION]: ref.key }, ...(labels === undefined ? {} : { labels }) };
      await caller.call('CreateSecret', target, (client, callOptions) => client.createSecret({ parent: `projects/${caller.projectId}`, secretId: id, secret }, callOptions));
      labelled = true;
    } catch (error) {
      // Another writer created it first: add our version to theirs.
      if (!isStatus(error, Status.ALREADY_EXISTS)) throw error;
    }
  }
  if (labels !== undefined && !labelled) {
    await caller.call('UpdateSecret', target, (client, callOptions) => client.updateSecret({ secret: { name, labels }, updateMask: { paths: ['labels'] } }, callOptions));
  }
  if (settings.disableOldVersions && version !== '1') {
    const previous = String(BigInt(version) - 1n);
    try {
      await caller.call('DisableSecretVersion', target, (client, callOptions) => client.disableSecretVersion({ name: `${name}/versions/${previous}` }, callOptions));
    } catch (error) {
      // Already destroyed, or the secret was deleted meanwhile: nothing left to disable.
      if (!isStatus(error, Status.NOT_FOUND) && !isStatus(error, Status.FAILED_PRECONDITION)) throw error;
    }
  }
  return { version };
}

export async function deleteSecret(caller: Caller, settings: Settings, ref: SecretRef): Promise<void> {
  const id = settings.template.secretId(ref);
  await caller.call('DeleteSecret', `secret "${ref.key}"`, (client, callOptions) => client.deleteSecret({ name: secretName(caller, id) }, callOptions));
}

interface ListedSecret {
  key: string;
  name: string;
  secret: ISecret;
}

/**
 * Every secret of the scope: ListSecrets filtered on the id prefix (`name:` filter), all pages. The
 * filter only narrows; the exact prefix and the id's decoding are checked here.
 */
export async function listScope(caller: Caller, settings: Settings, scope: SecretScope): Promise<ListedSecret[]> {
  const prefix = settings.template.prefix(scope);
  const found: ListedSecret[] = [];
  let pageToken = '';
  do {
    const [secrets, , raw] = await caller.call('ListSecrets', describeScope(scope), (client, callOptions) =>
      client.listSecrets({ parent: `projects/${caller.projectId}`, pageSize: 250, filter: `name:${prefix}`, pageToken }, { ...callOptions, autoPaginate: false }),
    );
    for (const secret of secrets) {
      const id = secretIdOf(secret.name);
      if (id === undefined || !secret.name) continue;
      const key = keyOf(id, prefix, secret.annotations?.[KEY_ANNOTATION]);
      if (key !== undefined) found.push({ key, name: secret.name, secret });
    }
    pageToken = raw?.nextPageToken ?? '';
  } while (pageToken !== '');
  return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function skippable(error: unknown): boolean {
  // Deleted between listing and reading, no version yet (a create in flight), or latest disabled.
  return isStatus(error, Status.NOT_FOUND) || isStatus(error, Status.FAILED_PRECONDITION) || (error instanceof KeygateError && error.code === 'NOT_FOUND');
}

/** A whole environment: the listing, then AccessSecretVersion(latest) per secret, at most 8 in flight. */
export async function getAllSecrets(caller: Caller, settings: Settings, scope: SecretScope): Promise<Map<string, Secret>> {
  const listed = await listScope(caller, settings, scope);
  const values = new Map<string, Secret>();
  await inParallel(listed, READ_CONCURRENCY, async ({ key, name }) => {
    try {
      const [response] = await caller.call('AccessSecretVersion', `secret "${key}"`, (client, callOptions) => client.accessSecretVersion({ name: `${name}/versions/latest` }, callOptions));
      values.set(key, textOf(key, response.payload?.data));
    } catch (error) {
      if (!skippable(error)) throw error;
    }
  });
  return new Map(listed.filter(({ key }) => values.has(key)).map(({ key }) => [key, values.get(key)!]));
}

/** Keys, latest version numbers (GetSecretVersion, metadata only) and labels; never values. */
export async function listMetadata(caller: Caller, settings: Settings, scope: SecretScope): Promise<SecretMetadata[]> {
  const listed = await listScope(caller, settings, scope);
  const latest = new Map<string, ISecretVersion>();
  await inParallel(listed, READ_CONCURRENCY, async ({ key, name }) => {
    try {
      const [version] = await caller.call('GetSecretVersion', `secret "${key}"`, (client, callOptions) => client.getSecretVersion({ name: `${name}/versions/latest` }, callOptions));
      latest.set(key, version);
    } catch (error) {
      if (!skippable(error)) throw error;
    }
  });
  return listed
    .filter(({ key }) => latest.has(key))
    .map(({ key, secret }): SecretMetadata => {
      const version = latest.get(key)!;
      const number = versionOf(version.name);
      const updatedAt = dateOf(version.createTime);
      return { key, ...(number === undefined ? {} : { version: number }), labels: { ...(secret.labels ?? {}) }, ...(updatedAt === undefined ? {} : { updatedAt }) };
    });
}

/** Connectivity and credentials: one ListSecrets call (page size 1) under the template's fixed prefix. */
export async function checkAccess(caller: Caller, settings: Settings): Promise<void> {
  const prefix = settings.template.staticPrefix;
  await caller.call('ListSecrets', 'the connectivity check', (client, callOptions) =>
    client.listSecrets({ parent: `projects/${caller.projectId}`, pageSize: 1, ...(prefix === '' ? {} : { filter: `name:${prefix}` }) }, { ...callOptions, autoPaginate: false }),
  );
}
