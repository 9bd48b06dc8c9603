import { describe, expect, it } from 'vitest';
import { silentLogger } from '@keygate/core/testing';
import { EventBus, type DomainEvent } from './event-bus.js';

const event = (type: DomainEvent['type']): DomainEvent => ({ type, occurredAt: new Date(0), tenantId: 't', subject: { secretKey: 'K' }, data: {} });

describe('EventBus', () => {
  it('delivers to handlers of the type and to catch-all handlers, after emit returns', async () => {
    const bus = new EventBus(silentLogger);
    const seen: string[] = [];
    bus.on('rotation.started', (e) => void seen.push(`typed:${e.type}`));
    const off = bus.on('*', (e) => void seen.push(`all:${e.type}`));
    bus.emit(event('rotation.started'));
    expect(seen).toEqual([]);
    await bus.settle();
    expect(seen).toEqual(['typed:rotation.started', 'all:rotation.started']);
    off();
    bus.emit(event('rotation.failed'));
    await bus.settle();
    expect(seen).toHaveLength(2);
  });

  it('logs a failing handler and still delivers to the others', async () => {
    const warnings: string[] = [];
    const bus = new EventBus({ ...silentLogger, warn: (m, f) => void warnings.push(`${m} ${String(f?.error)}`) });
    let delivered = false;
    bus.on('revocation.done', () => {
      throw new Error('boom');
    });
    bus.on('revocation.done', () => {
      delivered = true;
    });
    bus.emit(event('revocation.done'));
    await bus.settle();
    expect(delivered).toBe(true);
    expect(warnings).toEqual(['event handler failed boom']);
  });
});
