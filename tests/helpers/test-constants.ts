/** The demo users' password inside tests (the seed generates one at random otherwise). */
export const TEST_DEMO_PASSWORD = 'demo-password-for-tests';
export const TEST_TWILIO_TOKEN = 'test-twilio-auth-token';
export const TEST_EMAIL_SECRET = 'test-email-webhook-secret';
export const TEST_BASE_URL = 'https://centralino.test';
