import { afterEach, beforeEach, describe } from 'vitest';
import { ConformanceContext, DEFAULT_OPTIONS, type ConformanceOptions, type SecretProviderHarness } from './harness.js';
import { registerBasicCases } from './basic.js';
import { registerScopeCases } from './scopes.js';
import { registerVersionCases } from './versions.js';
import { registerCompareAndSetCases } from './compare-and-set.js';
import { registerLabelCases } from './labels.js';
import { registerValueCases } from './values.js';
import { registerConcurrencyCases } from './concurrency.js';

/**
 * Registers the SecretProvider conformance suite with vitest. Every test gets a fresh provider
 * and a fresh scope from `harness.create()`; afterwards the suite deletes what it wrote, closes the
 * provider and runs the fixture's `cleanup`. Cases that depend on a capability run when the
 * provider declares it and check for `UNSUPPORTED` when it does not; the other half is reported as
 * skipped. Errors are matched by `code`, never by class.
 */
export function describeSecretProviderConformance(name: string, harness: SecretProviderHarness, options: ConformanceOptions = {}): void {
  const ctx = new ConformanceContext({
    maxValueBytes: options.maxValueBytes ?? DEFAULT_OPTIONS.maxValueBytes,
    concurrentWriters: options.concurrentWriters ?? DEFAULT_OPTIONS.concurrentWriters,
  });

  describe(`SecretProvider conformance: ${name}`, () => {
    beforeEach(() => ctx.setUp(harness));
    afterEach(() => ctx.tearDown());

    describe('reads and writes', () => registerBasicCases(ctx));
    describe('scopes', () => registerScopeCases(ctx));
    describe('versions', () => registerVersionCases(ctx));
    describe('compare-and-set', () => registerCompareAndSetCases(ctx));
    describe('labels', () => registerLabelCases(ctx));
    describe('values and keys', () => registerValueCases(ctx));
    describe('concurrency', () => registerConcurrencyCases(ctx));
  });
}
