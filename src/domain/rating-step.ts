/**
 * The one question after an answered call (issue 17 §4): «how do you rate the service?», 1 to 5 on
 * the keypad. Pure, so the same answer is given whether the database is asked or the step is
 * decided from memory during an outage.
 */

/** A caller's rating: 1 (not at all satisfied) to 5 (very satisfied). */
export type Rating = 1 | 2 | 3 | 4 | 5;

export const RATINGS: readonly Rating[] = [1, 2, 3, 4, 5];

/** How many times the question is asked in all: once, and once more after a wrong key or silence. */
export const RATING_ATTEMPTS = 2;

/** What the rating step answers; each is also a voice decision (src/modules/calls/voice-decisions.ts). */
export type RatingStepDecision = { kind: 'rating_question'; attempt: number } | { kind: 'rating_thanks'; rating: Rating } | { kind: 'rating_goodbye' };

/** The digit pressed as a rating, or null for anything else (0, 6–9, *, #, nothing). */
export function ratingOf(digits: string | undefined): Rating | null {
  const digit = digits?.trim();
  return digit !== undefined && /^[1-5]$/.test(digit) ? (Number(digit) as Rating) : null;
}

/** A digit 1–5 is the rating; anything else hears the question once more, then goodbye. */
export function decideRatingStep(digits: string | undefined, attempt: number): RatingStepDecision {
  const rating = ratingOf(digits);
  if (rating !== null) return { kind: 'rating_thanks', rating };
  if (attempt < RATING_ATTEMPTS) return { kind: 'rating_question', attempt: attempt + 1 };
  return { kind: 'rating_goodbye' };
}

/**
 * What a caller hears when the queue lets go of them: the question only when an operator answered
 * (`bridged`: Twilio asks the `<Enqueue action>` after the operator hung up, the caller still on the
 * line) and the agency asks for ratings; otherwise the queue result as before.
 */
export function wantsRatingQuestion(queueResult: string, askRating: boolean): boolean {
  return askRating && queueResult === 'bridged';
}
