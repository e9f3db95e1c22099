import { z } from 'zod';
import { isLoopbackHost } from './util/loopback-host.ts';

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
  // The default depends on NODE_ENV (see loadConfig): loopback outside production.
  HOST: optionalString,
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
      .optional(),
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
  RETENTION_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(7 * 86_400_000)
    .default(6 * 3_600_000),
  REPORT_MAIL_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(7 * 86_400_000)
    .default(3_600_000),
  ROLLUP_SEAL_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(7 * 86_400_000)
    .default(3_600_000),
  DEMO_CLOCK_START: optionalString.pipe(z.iso.datetime({ offset: true }).optional()),
  SMTP_URL: optionalString.pipe(
    z
      .string()
      .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
      .optional(),
  ),
  SMTP_FROM: optionalString,
  DELIVERY_POLL_MS: z.coerce.number().int().min(0).max(3_600_000).default(5000),
  HEATING_SEASON: z
    .string()
    .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])\/(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be MM-DD/MM-DD, e.g. 10-15/04-15')
    .default('10-15/04-15'),
  CALL_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(15_000),
  QUEUE_SILENCE_SECONDS: z.coerce.number().int().min(30).max(3600).default(120),
  WRAP_UP_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  /** The agreement (or authorisation) under which figures per operator may be shown; unset: they are not. */
  PER_OPERATOR_AGREEMENT: optionalString.pipe(z.string().max(300).optional()),
  CALLBACK_DUE_MINUTES: z.coerce.number().int().min(1).max(10_080).default(120),
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(20_000),
  CONNECTION_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(120_000),
  KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(72_000),
  METRICS_PORT: optionalString.pipe(z.coerce.number<string>().int().min(1).max(65535).optional()),
  METRICS_HOST: z.string().trim().min(1).default('127.0.0.1'),
  METRICS_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  DEMO_SEED: optionalString.pipe(z.enum(['0', '1', 'true', 'false'], { message: 'must be 1 or 0' }).optional()),
});

export type Config = Readonly<{
  env: 'development' | 'production' | 'test';
  isProduction: boolean;
  port: number;
  /** Loopback outside production unless HOST says otherwise; see loadConfig. */
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
  /** Whether an empty database receives the demo data: outside production, or with DEMO_SEED=1. */
  demoSeed: boolean;
  /**
   * Per-agency call volumes (the basis of the fees) are not for anonymous eyes: /metrics on the
   * public port answers only to `Authorization: Bearer <token>` (404 without a token configured);
   * `port` opens a listener of its own, on `host` (loopback by default), for Prometheus.
   */
  metrics: Readonly<{ port: number | undefined; host: string; token: string | undefined }>;
  /** How often the retention pass anonymises what is past each agency's retention; 0 turns it off. */
  retentionIntervalMs: number;
  /** How often finished days are sealed into the report rollup (first pass 5 s after start); 0 turns it off. */
  rollupSealIntervalMs: number;
  /** How often the monthly reports and statement drafts due by e-mail are looked for; 0 turns it off. */
  reportMailIntervalMs: number;
  /**
   * Figures per operator are workforce monitoring (art. 4 of the Statuto dei lavoratori): shown to
   * supervisors only when an administrator names, here, the union agreement or the labour
   * inspectorate's authorisation that allows them. Unset (the default): never.
   */
  perOperatorAgreement: string | undefined;
  /** Fastify's trustProxy: false, a hop count, or addresses/CIDRs of the proxies in front. */
  trustProxy: boolean | string[] | ((address: string, hop: number) => boolean);
  /** Development only: the platform's clock starts at this instant and runs on (demos and training after hours). */
  demoClockStart: Date | undefined;
  logLevel: string;
  /** The one SMTP transport of outgoing mail; without a URL, e-mails to agencies and acknowledgements stay readable in the outbox. */
  smtp: Readonly<{ url: string | undefined; from: string }>;
  /** How long a client may take to send a request, and how long a connection may sit silent. */
  http: Readonly<{
    /** The whole request, headers and body, must have arrived within this; then 408 and the connection closes. */
    requestTimeoutMs: number;
    /** The request line and headers must have arrived within this (slow-header clients). At most requestTimeoutMs. */
    headersTimeoutMs: number;
    /** A connection on which nothing moves either way for this long is closed (a client that stops reading, a half-open socket). */
    connectionTimeoutMs: number;
    /** An idle keep-alive connection is closed after this; longer than the 60 s idle timeout of common load balancers. */
    keepAliveTimeoutMs: number;
  }>;
  workflow: Readonly<{
    /** How often the outbox runner looks for due messages (deliveries, acknowledgements to retry); 0 turns the poll off (deliverDue() by hand). */
    deliveryPollMs: number;
    /** Month-day bounds of the heating season (Lombardy, climate zone E: 15 October – 15 April). */
    heatingSeason: Readonly<{ from: string; to: string }>;
    /** Opening minutes within which an abandoned caller must be called back. */
    callbackDueMinutes: number;
    /** How often the call reconciler runs (silent callers, stale presence, wrap-up time limit); 0 turns it off. */
    callReconcileIntervalMs: number;
    /** A caller in queue neither heard (wait-URL poll) nor settled for this long is recorded `lost`. */
    queueSilenceSeconds: number;
    /** Wrap-up time limit: after it the operator is available again. */
    wrapUpSeconds: number;
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
  if (e.HEADERS_TIMEOUT_MS > e.REQUEST_TIMEOUT_MS) {
    throw new ConfigError('Invalid configuration:\n  HEADERS_TIMEOUT_MS: must not exceed REQUEST_TIMEOUT_MS');
  }
  if (isProduction && e.DEMO_CLOCK_START) {
    throw new ConfigError('Invalid configuration:\n  DEMO_CLOCK_START: not allowed when NODE_ENV=production');
  }
  // Loopback outside production: the development secrets below are public, so a laptop's server
  // must not be reachable from the café's network. Production listens everywhere, with real secrets.
  const host = e.HOST ?? (isProduction ? '0.0.0.0' : '127.0.0.1');
  const exposedWithPublicSecrets = isLoopbackHost(host) ? [] : developmentSecretsIn(e);
  if (exposedWithPublicSecrets.length > 0) {
    const lines = exposedWithPublicSecrets.map(
      (name) => `  ${name}: the public development value is refused on HOST=${host}, which other machines can reach; set a real secret, or bind HOST=127.0.0.1`,
    );
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  if (e.METRICS_PORT !== undefined && e.METRICS_PORT === e.PORT) {
    throw new ConfigError('Invalid configuration:\n  METRICS_PORT: must differ from PORT (the metrics listener is a separate one)');
  }
  const publicBaseUrl = (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  const emailSecret = e.EMAIL_WEBHOOK_SECRET ?? DEVELOPMENT_EMAIL_WEBHOOK_SECRET;
  const softphoneEnabled = Boolean(e.TWILIO_ACCOUNT_SID && e.TWILIO_API_KEY && e.TWILIO_API_SECRET && e.TWILIO_TWIML_APP_SID);
  return Object.freeze({
    env: e.NODE_ENV,
    isProduction,
    port: e.PORT,
    host,
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
    demoSeed: e.DEMO_SEED === undefined ? !isProduction : e.DEMO_SEED === '1' || e.DEMO_SEED === 'true',
    metrics: Object.freeze({ port: e.METRICS_PORT, host: e.METRICS_HOST, token: e.METRICS_TOKEN }),
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    retentionIntervalMs: e.RETENTION_INTERVAL_MS,
    rollupSealIntervalMs: e.ROLLUP_SEAL_INTERVAL_MS,
    reportMailIntervalMs: e.REPORT_MAIL_INTERVAL_MS,
    perOperatorAgreement: e.PER_OPERATOR_AGREEMENT,
    demoClockStart: e.DEMO_CLOCK_START ? new Date(e.DEMO_CLOCK_START) : undefined,
    logLevel: e.LOG_LEVEL,
    smtp: Object.freeze({ url: e.SMTP_URL, from: e.SMTP_FROM ?? 'Centralino <centralino@localhost>' }),
    http: Object.freeze({
      requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
      headersTimeoutMs: e.HEADERS_TIMEOUT_MS,
      connectionTimeoutMs: e.CONNECTION_TIMEOUT_MS,
      keepAliveTimeoutMs: e.KEEP_ALIVE_TIMEOUT_MS,
    }),
    workflow: Object.freeze({
      deliveryPollMs: e.DELIVERY_POLL_MS,
      heatingSeason: Object.freeze({ from: e.HEATING_SEASON.slice(0, 5), to: e.HEATING_SEASON.slice(6) }),
      callbackDueMinutes: e.CALLBACK_DUE_MINUTES,
      callReconcileIntervalMs: e.CALL_RECONCILE_INTERVAL_MS,
      queueSilenceSeconds: e.QUEUE_SILENCE_SECONDS,
      wrapUpSeconds: e.WRAP_UP_SECONDS,
    }),
  });
}

/** The variables that hold (or fall back to) a development secret printed in this file. */
function developmentSecretsIn(e: z.infer<typeof EnvSchema>): string[] {
  const names: string[] = [];
  if (!e.TWILIO_AUTH_TOKEN || e.TWILIO_AUTH_TOKEN === DEVELOPMENT_TWILIO_AUTH_TOKEN) names.push('TWILIO_AUTH_TOKEN');
  if (!e.EMAIL_WEBHOOK_SECRET || e.EMAIL_WEBHOOK_SECRET === DEVELOPMENT_EMAIL_WEBHOOK_SECRET) names.push('EMAIL_WEBHOOK_SECRET');
  // Unset, these fall back to EMAIL_WEBHOOK_SECRET (named above when it is the development value).
  for (const name of ['MAILGUN_SIGNING_KEY', 'SENDGRID_INBOUND_PASSWORD', 'POSTMARK_INBOUND_PASSWORD'] as const) {
    if (e[name] === DEVELOPMENT_EMAIL_WEBHOOK_SECRET) names.push(name);
  }
  return names;
}

/** `TRUST_PROXY`: unset or "false" trusts nobody; "true" everybody; a number of hops; or a comma-separated list of addresses/CIDRs. */
function parseTrustProxy(value: string | undefined): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return (_address, hop) => hop < hops;
  }
  return value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
}
