/**
 * When a figure on the wallboard turns amber or red, as rules: a supervisor three metres away
 * reads the colour before the number. Red is "act now", amber "watch it".
 */
export type Tone = 'ok' | 'amber' | 'red';

/** Points below its target that a service level may fall before it is red rather than amber. */
export const SERVICE_LEVEL_AMBER_POINTS = 10;
/** Abandon rate (% of offered calls, short abandons excluded) that turns amber, and red. */
export const ABANDON_AMBER_PCT = 5;
export const ABANDON_RED_PCT = 10;

/** Null before the day has a decided call: nothing to colour. */
export function serviceLevelTone(pct: number | null, targetPct: number): Tone | null {
  if (pct === null) return null;
  if (pct >= targetPct) return 'ok';
  return pct >= targetPct - SERVICE_LEVEL_AMBER_POINTS ? 'amber' : 'red';
}

/** The agency's own thresholds where it set them (its wallboard settings), else the platform's. */
export function abandonTone(
  pct: number | null,
  thresholds: Readonly<{ amberPct: number; redPct: number }> = { amberPct: ABANDON_AMBER_PCT, redPct: ABANDON_RED_PCT },
): Tone | null {
  if (pct === null) return null;
  if (pct >= thresholds.redPct) return 'red';
  return pct >= thresholds.amberPct ? 'amber' : 'ok';
}

/** The longest wait against the alert threshold (WAIT_ALERT_SECONDS): amber from half of it. */
export function waitTone(seconds: number | null, alertSeconds: number): Tone | null {
  if (seconds === null) return null;
  if (seconds >= alertSeconds) return 'red';
  return seconds >= alertSeconds / 2 ? 'amber' : 'ok';
}

/** A call-back past its deadline is a promise broken: red at the first one. */
export function overdueTone(overdue: number): Tone {
  return overdue > 0 ? 'red' : 'ok';
}
