/** Kept equal to package.json's version (a test checks it); a JSON import would tie us to a bundler. */
export const SDK_VERSION = '0.1.0';

export const DEFAULT_USER_AGENT = `keygate-sdk-js/${SDK_VERSION}`;
