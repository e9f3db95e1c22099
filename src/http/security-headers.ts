import helmet from 'helmet';
import type { FastifyInstance } from 'fastify';

/**
 * Security headers on every response, and a content security policy that fits the dashboard as
 * Vite builds it: module scripts and stylesheets from our own origin only, no inline script,
 * sockets to our own origin. The Twilio Voice SDK (operators' softphone) talks to Twilio's
 * signalling and media hosts, so those, and only those, are added for connections and sounds.
 *
 * Helmet itself, not @fastify/helmet: the plugin builds a new helmet middleware (and parses the
 * policy again) on every request, which was about 5 % of an incoming-call webhook's CPU time. The
 * middleware built once here sets the same headers.
 */
export function installSecurityHeaders(app: FastifyInstance, options: { https: boolean }): void {
  const applySecurityHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Preact and uPlot set style attributes from script (allowed); swagger-ui at /docs needs inline styles.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'", 'https://*.twilio.com', 'wss://*.twilio.com'],
        mediaSrc: ["'self'", 'https://*.twilio.com', 'https://*.twiliocdn.com'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(options.https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    // HSTS only means something over https; on plain http (development) it would be ignored anyway.
    strictTransportSecurity: options.https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onRequest', (request, reply, done) => applySecurityHeaders(request.raw, reply.raw, (error) => done(error as Error | undefined)));
}
