import { z } from 'zod';

// The development Twilio token is public knowledge (it is in this file); it exists so that
// `npm start` and `npm run simulate` work together on a fresh machine without any secrets.
export const DEVELOPMENT_TWILIO_AUTH_TOKEN = 'centralino-dev-twilio-token';
export const DEVELOPMENT_EMAIL_WEBHOOK_SECRET = 'centralino-dev-email-secret';

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: optionalString.pipe(
    z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://').optional(),
  ),
  DATA_DIR: z.string().min(1).default('./data'),
  PUBLIC_BASE_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  TWILIO_AUTH_TOKEN: optionalString,
  TWILIO_ACCOUNT_SID: optionalString,
  TWILIO_API_KEY: optionalString,
  TWILIO_API_SECRET: optionalString,
  TWILIO_TWIML_APP_SID: optionalString,
  EMAIL_WEBHOOK_SECRET: optionalString,
  MAILGUN_SIGNING_KEY: optionalString,
  SENDGRID_INBOUND_PASSWORD: optionalString,
  POSTMARK_INBOUND_PASSWORD: optionalString,
  EMAIL_PARSE_TIMEOUT_MS: z.coerce.number().int().min(10).max(600_000).default(30_000),
  EMAIL_PARSE_MEMORY_MB: z.coerce.number().int().min(32).max(4096).default(256),
  EMAIL_PARSE_THREADS: z.coerce.number().int().min(1).max(8).default(1),
  SESSION_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  DEMO_PASSWORD: optionalString,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOLD_MUSIC_URL: optionalString.pipe(z.url().optional()),
  TRUST_PROXY: optionalString,
  RETENTION_INTERVAL_MS: z.coerce.number().int().min(0).max(7 * 86_400_000).default(6 * 3_600_000),
  DEMO_CLOCK_START: optionalString.pipe(z.iso.datetime({ offset: true }).optional()),
  SMTP_URL: optionalString.pipe(z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional()),
  SMTP_FROM: optionalString,
  DELIVERY_POLL_MS: z.coerce.number().int().min(0).max(3_600_000).default(5000),
  HEATING_SEASON: z
    .string()
    .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])\/(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be MM-DD/MM-DD, e.g. 10-15/04-15')
    .default('10-15/04-15'),
  CALLBACK_DUE_MINUTES: z.coerce.number().int().min(1).max(10_080).default(120),
});

export type Config = Readonly<{
  env: 'development' | 'production' | 'test';
  isProduction: boolean;
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  publicBaseUrl: string;
  twilio: Readonly<{
    authToken: string;
    usingDevelopmentToken: boolean;
    accountSid: string | undefined;
    apiKey: string | undefined;
    apiSecret: string | undefined;
    twimlAppSid: string | undefined;
    softphoneEnabled: boolean;
    holdMusicUrl: string;
  }>;
  email: Readonly<{
    webhookSecret: string;
    usingDevelopmentSecret: boolean;
    /** Each provider authenticates with its own secret; unset, each falls back to EMAIL_WEBHOOK_SECRET. */
    mailgunSigningKey: string;
    sendgridPassword: string;
    postmarkPassword: string;
    /** MIME parsing in worker threads: how many, and each message's time and heap budget. */
    parse: Readonly<{ threads: number; timeoutMs: number; memoryMb: number }>;
  }>;
  sessionSecret: string | undefined;
  demoPassword: string | undefined;
  /** How often the retention pass anonymises what is past each agency's retention; 0 turns it off. */
  retentionIntervalMs: number;
  /** Fastify's trustProxy: false, a hop count, or addresses/CIDRs of the proxies in front. */
  trustProxy: boolean | string[] | ((address: string, hop: number) => boolean);
  /** Development only: the platform's clock starts at this instant and runs on (demos and training after hours). */
  demoClockStart: Date | undefined;
  logLevel: string;
  /** Outgoing mail; without a URL, e-mails to agencies stay readable in the delivery outbox. */
  smtp: Readonly<{ url: string | undefined; from: string }>;
  workflow: Readonly<{
    /** How often the delivery worker looks for due deliveries; 0 turns the worker off (deliverDue() by hand). */
    deliveryPollMs: number;
    /** Month-day bounds of the heating season (Lombardy, climate zone E: 15 October – 15 April). */
    heatingSeason: Readonly<{ from: string; to: string }>;
    /** Opening minutes within which an abandoned caller must be called back. */
    callbackDueMinutes: number;
  }>;
}>;

export class ConfigError extends Error {}

/** Parses the environment once. An invalid value throws a ConfigError naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const isProduction = e.NODE_ENV === 'production';
  if (isProduction && !e.TWILIO_AUTH_TOKEN) {
    throw new ConfigError('Invalid configuration:\n  TWILIO_AUTH_TOKEN: required when NODE_ENV=production');
  }
  if (isProduction && !e.EMAIL_WEBHOOK_SECRET) {
    throw new ConfigError('Invalid configuration:\n  EMAIL_WEBHOOK_SECRET: required when NODE_ENV=production');
  }
  if (isProduction && !e.SESSION_SECRET) {
    throw new ConfigError('Invalid configuration:\n  SESSION_SECRET: required when NODE_ENV=production');
  }
  if (isProduction && e.DEMO_CLOCK_START) {
    throw new ConfigError('Invalid configuration:\n  DEMO_CLOCK_START: not allowed when NODE_ENV=production');
  }
  const publicBaseUrl = (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  const emailSecret = e.EMAIL_WEBHOOK_SECRET ?? DEVELOPMENT_EMAIL_WEBHOOK_SECRET;
  const softphoneEnabled = Boolean(e.TWILIO_ACCOUNT_SID && e.TWILIO_API_KEY && e.TWILIO_API_SECRET && e.TWILIO_TWIML_APP_SID);
  return Object.freeze({
    env: e.NODE_ENV,
    isProduction,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    publicBaseUrl,
    twilio: Object.freeze({
      authToken: e.TWILIO_AUTH_TOKEN ?? DEVELOPMENT_TWILIO_AUTH_TOKEN,
      usingDevelopmentToken: !e.TWILIO_AUTH_TOKEN,
      accountSid: e.TWILIO_ACCOUNT_SID,
      apiKey: e.TWILIO_API_KEY,
      apiSecret: e.TWILIO_API_SECRET,
      twimlAppSid: e.TWILIO_TWIML_APP_SID,
      softphoneEnabled,
      // Twilio fetches this itself while the caller waits; it is never requested by our server.
      holdMusicUrl: e.HOLD_MUSIC_URL ?? 'http://com.twilio.sounds.music.s3.amazonaws.com/MARKOVICHAMP-Borghestral.mp3',
    }),
    email: Object.freeze({
      webhookSecret: emailSecret,
      usingDevelopmentSecret: !e.EMAIL_WEBHOOK_SECRET,
      mailgunSigningKey: e.MAILGUN_SIGNING_KEY ?? emailSecret,
      sendgridPassword: e.SENDGRID_INBOUND_PASSWORD ?? emailSecret,
      postmarkPassword: e.POSTMARK_INBOUND_PASSWORD ?? emailSecret,
      parse: Object.freeze({ threads: e.EMAIL_PARSE_THREADS, timeoutMs: e.EMAIL_PARSE_TIMEOUT_MS, memoryMb: e.EMAIL_PARSE_MEMORY_MB }),
    }),
    sessionSecret: e.SESSION_SECRET,
    demoPassword: e.DEMO_PASSWORD,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    retentionIntervalMs: e.RETENTION_INTERVAL_MS,
    demoClockStart: e.DEMO_CLOCK_START ? new Date(e.DEMO_CLOCK_START) : undefined,
    logLevel: e.LOG_LEVEL,
    smtp: Object.freeze({ url: e.SMTP_URL, from: e.SMTP_FROM ?? 'Centralino <centralino@localhost>' }),
    workflow: Object.freeze({
      deliveryPollMs: e.DELIVERY_POLL_MS,
      heatingSeason: Object.freeze({ from: e.HEATING_SEASON.slice(0, 5), to: e.HEATING_SEASON.slice(6) }),
      callbackDueMinutes: e.CALLBACK_DUE_MINUTES,
    }),
  });
}

/** `TRUST_PROXY`: unset or "false" trusts nobody; "true" everybody; a number of hops; or a comma-separated list of addresses/CIDRs. */
function parseTrustProxy(value: string | undefined): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return (_address, hop) => hop < hops;
  }
  return value.split(',').map((part) => part.trim()).filter(Boolean);
}
