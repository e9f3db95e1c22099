/**
 * How long a password may be: the server refuses others, and the dashboard says so before sending.
 * Imports nothing, so that the dashboard bundles it.
 */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;
