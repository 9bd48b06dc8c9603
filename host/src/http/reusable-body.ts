const reusable = new WeakSet<object>();

/**
 * Marks a response body that its producer will return again, as this very object, for as long as
 * what it shows is unchanged (an environment read while no provider saw a write). It is frozen,
 * so it cannot change between two responses; the HTTP layer then checks it against the contract
 * and serialises it once, and sends the same bytes every time after that.
 */
export function reusableBody<T extends object>(body: T): T {
  for (const value of Object.values(body)) if (typeof value === 'object' && value !== null) Object.freeze(value);
  reusable.add(Object.freeze(body));
  return body;
}

export function isReusableBody(body: unknown): body is object {
  return typeof body === 'object' && body !== null && reusable.has(body);
}
