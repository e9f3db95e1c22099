import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('HTTP timeouts in the configuration', () => {
  it('default to a minute per request, 20 s for headers, 2 min of silence, 72 s of idle keep-alive', () => {
    expect(loadConfig({}).http).toEqual({ requestTimeoutMs: 60_000, headersTimeoutMs: 20_000, connectionTimeoutMs: 120_000, keepAliveTimeoutMs: 72_000 });
  });

  it('refuse to start with a headers timeout longer than the request timeout, naming the variable', () => {
    expect(() => loadConfig({ REQUEST_TIMEOUT_MS: '10000', HEADERS_TIMEOUT_MS: '30000' })).toThrow(ConfigError);
    expect(() => loadConfig({ REQUEST_TIMEOUT_MS: '10000', HEADERS_TIMEOUT_MS: '30000' })).toThrow(/HEADERS_TIMEOUT_MS/);
  });

  it('refuse a timeout that is not a number of milliseconds', () => {
    expect(() => loadConfig({ REQUEST_TIMEOUT_MS: 'soon' })).toThrow(/REQUEST_TIMEOUT_MS/);
  });
});
