import { describe, expect, it } from 'vitest';
import { decideRatingStep, ratingOf, wantsRatingQuestion } from '../../src/domain/rating-step.ts';

describe('the rating question after an answered call', () => {
  it('takes 1 to 5 as the rating and nothing else', () => {
    expect(['1', '2', '3', '4', '5'].map(ratingOf)).toEqual([1, 2, 3, 4, 5]);
    expect(['0', '6', '9', '*', '#', '', ' ', '12'].map(ratingOf)).toEqual([null, null, null, null, null, null, null, null]);
    expect(ratingOf(undefined)).toBeNull();
  });

  it('thanks a rating, asks once more after a wrong key or silence, then says goodbye', () => {
    expect(decideRatingStep('3', 1)).toEqual({ kind: 'rating_thanks', rating: 3 });
    expect(decideRatingStep('5', 2)).toEqual({ kind: 'rating_thanks', rating: 5 });
    expect(decideRatingStep('7', 1)).toEqual({ kind: 'rating_question', attempt: 2 });
    expect(decideRatingStep(undefined, 1)).toEqual({ kind: 'rating_question', attempt: 2 });
    expect(decideRatingStep('0', 2)).toEqual({ kind: 'rating_goodbye' });
    expect(decideRatingStep(undefined, 2)).toEqual({ kind: 'rating_goodbye' });
  });

  it('is asked only after a bridge, and only where the agency asks', () => {
    expect(wantsRatingQuestion('bridged', true)).toBe(true);
    expect(wantsRatingQuestion('bridged', false)).toBe(false);
    for (const result of ['hangup', 'leave', 'error', 'queue-full', 'system-error', 'redirected', 'bridging-in-process']) {
      expect(wantsRatingQuestion(result, true)).toBe(false);
    }
  });
});
