import { build } from 'vite';

/** Builds dashboard/dist once per e2e run, so the browser always tests the current sources. */
export default async function setup() {
  await build({ root: 'dashboard', logLevel: 'warn' });
}
