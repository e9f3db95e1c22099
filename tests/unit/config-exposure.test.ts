import { describe, expect, it } from 'vitest';
import { ConfigError, DEVELOPMENT_EMAIL_WEBHOOK_SECRET, DEVELOPMENT_TWILIO_AUTH_TOKEN, loadConfig } from '../../src/config.ts';

const REAL_SECRETS = { TWILIO_AUTH_TOKEN: 'a-real-account-token', EMAIL_WEBHOOK_SECRET: 'a-real-email-secret' };
const PRODUCTION = { NODE_ENV: 'production', SESSION_SECRET: 'a-production-session-secret-of-enough-length', ...REAL_SECRETS };

function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
}

describe('where the server listens, and with which secrets', () => {
  it('listens on loopback with no configuration, so the public development secrets stay on this machine', () => {
    const config = loadConfig({});
    expect(config.host).toBe('127.0.0.1');
    expect(config.twilio.usingDevelopmentToken).toBe(true);
  });

  it('listens everywhere in production by default', () => {
    expect(loadConfig(PRODUCTION).host).toBe('0.0.0.0');
  });

  it('refuses a bind other machines reach while a development secret is in use, naming each variable', () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.20', 'centralino.lan']) {
      const message = refusal({ HOST: host });
      expect(message, host).toContain('TWILIO_AUTH_TOKEN');
      expect(message, host).toContain('EMAIL_WEBHOOK_SECRET');
      expect(message, host).toContain(`HOST=${host}`);
    }
    expect(refusal({ HOST: '0.0.0.0', TWILIO_AUTH_TOKEN: 'a-real-account-token' })).not.toContain('TWILIO_AUTH_TOKEN');
    expect(refusal({ HOST: '0.0.0.0', EMAIL_WEBHOOK_SECRET: 'a-real-email-secret' })).not.toContain('EMAIL_WEBHOOK_SECRET');
  });

  it('refuses the development values even when they are typed in, in production as elsewhere', () => {
    expect(refusal({ ...PRODUCTION, TWILIO_AUTH_TOKEN: DEVELOPMENT_TWILIO_AUTH_TOKEN })).toContain('TWILIO_AUTH_TOKEN');
    expect(refusal({ ...PRODUCTION, EMAIL_WEBHOOK_SECRET: DEVELOPMENT_EMAIL_WEBHOOK_SECRET })).toContain('EMAIL_WEBHOOK_SECRET');
    expect(refusal({ ...PRODUCTION, MAILGUN_SIGNING_KEY: DEVELOPMENT_EMAIL_WEBHOOK_SECRET })).toContain('MAILGUN_SIGNING_KEY');
  });

  it('accepts the development secrets on every loopback form, and real secrets anywhere', () => {
    for (const host of ['127.0.0.1', '127.0.1.1', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) {
      expect(loadConfig({ HOST: host }).host, host).toBe(host);
    }
    expect(loadConfig({ HOST: '0.0.0.0', ...REAL_SECRETS }).host).toBe('0.0.0.0');
  });
});

describe('demo seed', () => {
  it('is loaded outside production, never into a production database unless asked', () => {
    expect(loadConfig({}).demoSeed).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test' }).demoSeed).toBe(true);
    expect(loadConfig(PRODUCTION).demoSeed).toBe(false);
    expect(loadConfig({ ...PRODUCTION, DEMO_SEED: '1' }).demoSeed).toBe(true);
    expect(loadConfig({ DEMO_SEED: '0' }).demoSeed).toBe(false);
    expect(refusal({ DEMO_SEED: 'yes' })).toContain('DEMO_SEED');
  });
});

describe('metrics', () => {
  it('has no listener of its own unless METRICS_PORT is set, and then on loopback unless METRICS_HOST says otherwise', () => {
    expect(loadConfig({}).metrics).toEqual({ port: undefined, host: '127.0.0.1', token: undefined });
    expect(loadConfig({ METRICS_PORT: '9464' }).metrics.port).toBe(9464);
    expect(refusal({ METRICS_PORT: 'nine' })).toContain('METRICS_PORT');
    expect(refusal({ PORT: '3000', METRICS_PORT: '3000' })).toContain('METRICS_PORT');
    expect(refusal({ METRICS_TOKEN: 'short' })).toContain('METRICS_TOKEN');
  });
});
