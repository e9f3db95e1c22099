import twilio from 'twilio';

export type FormParams = Record<string, string | string[]>;

/**
 * Checks X-Twilio-Signature over the URL as Twilio requested it (our public base URL plus the
 * request's path and query) and the form parameters. twilio-node's validator compares in
 * constant time and also accepts the URL with and without the scheme's standard port.
 */
export function isValidTwilioSignature(authToken: string, signature: string | undefined, url: string, params: FormParams): boolean {
  if (!signature) return false;
  return twilio.validateRequest(authToken, signature, url, params);
}

/** What Twilio would sign: used by the simulator, the benchmarks and the tests to play Twilio's side. */
export function signTwilioRequest(authToken: string, url: string, params: FormParams): string {
  return twilio.getExpectedTwilioSignature(authToken, url, params);
}
