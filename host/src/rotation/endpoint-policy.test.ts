import { describe, expect, it } from 'vitest';
import { checkEndpoint } from './endpoint-policy.js';

const strict = { allowLoopback: false, allowPrivate: false };
const local = { allowLoopback: true, allowPrivate: false };

function refusal(url: string, rules = strict): string {
  try {
    checkEndpoint(url, rules);
  } catch (error) {
    expect(error).toMatchObject({ code: 'INVALID_INPUT', extensions: { field: 'endpoint' } });
    return (error as Error).message;
  }
  throw new Error(`${url} was accepted`);
}

describe('checkEndpoint', () => {
  it('accepts https URLs, and plain http to loopback only when loopback is allowed', () => {
    expect(checkEndpoint('https://rotate.example.com/stripe', strict)).toBe('https://rotate.example.com/stripe');
    expect(checkEndpoint('http://127.0.0.1:3000/rotate', local)).toBe('http://127.0.0.1:3000/rotate');
    expect(checkEndpoint('http://[::1]:3000/', local)).toBe('http://[::1]:3000/');
    expect(refusal('http://127.0.0.1:3000/rotate')).toMatch(/must use https/);
    expect(refusal('https://localhost/rotate')).toMatch(/loopback/);
    expect(refusal('http://example.com/rotate', local)).toMatch(/must use https/);
  });

  it('refuses link-local, metadata and unspecified addresses, and private ones unless allowed', () => {
    expect(refusal('https://169.254.169.254/latest/meta-data')).toMatch(/link-local/);
    expect(refusal('https://[fe80::1]/')).toMatch(/link-local/);
    expect(refusal('https://0.0.0.0/')).toMatch(/link-local or unspecified/);
    expect(refusal('https://10.1.2.3/')).toMatch(/private/);
    expect(refusal('https://172.20.0.1/')).toMatch(/private/);
    expect(refusal('https://192.168.1.1/')).toMatch(/private/);
    expect(checkEndpoint('https://10.1.2.3/', { allowLoopback: false, allowPrivate: true })).toBe('https://10.1.2.3/');
    expect(checkEndpoint('https://172.32.0.1/', strict)).toBe('https://172.32.0.1/');
  });

  it('refuses what is not a plain URL, without echoing credentials', () => {
    expect(refusal('not a url')).toMatch(/not a valid URL/);
    const message = refusal('https://user:hunter2@example.com/');
    expect(message).toMatch(/must not contain credentials/);
    expect(message).not.toContain('hunter2');
    expect(refusal('https://example.com/#frag')).toMatch(/fragment/);
  });
});
