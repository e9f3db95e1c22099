import type { z } from 'zod';
import { AppError } from '../domain/errors.ts';

/** Parses request input with zod; failures become one VALIDATION error listing every problem. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, what = 'request'): z.output<T> {
  const result = schema.safeParse(input ?? {});
  if (!result.success) {
    throw new AppError(
      'VALIDATION',
      `Invalid ${what}: ${result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'} ${issue.message}`).join('; ')}`,
      result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  }
  return result.data;
}
