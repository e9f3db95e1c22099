import type { Rating } from './rating-step.ts';
import { RATINGS } from './rating-step.ts';

/** How many calls got each rating, 1 to 5. */
export type RatingDistribution = Readonly<Record<'1' | '2' | '3' | '4' | '5', number>>;

/** Ratings of a set of calls: how many, their mean, and how many of each. */
export type RatingSummary = Readonly<{ count: number; mean: number | null; distribution: RatingDistribution }>;

/**
 * The quality figure of a set of answered calls (issue 17 §4): the ratings given after the call.
 * The mean is rounded to two decimals and null without ratings, so whoever holds the distribution
 * can recompute it: (1×n1 + 2×n2 + … + 5×n5) / count.
 */
export function summariseRatings(counts: ReadonlyMap<Rating, number>): RatingSummary {
  let count = 0;
  let sum = 0;
  for (const rating of RATINGS) {
    const n = counts.get(rating) ?? 0;
    count += n;
    sum += rating * n;
  }
  const distribution = Object.fromEntries(RATINGS.map((rating) => [String(rating), counts.get(rating) ?? 0])) as RatingDistribution;
  return { count, mean: count === 0 ? null : Math.round((sum / count) * 100) / 100, distribution };
}
