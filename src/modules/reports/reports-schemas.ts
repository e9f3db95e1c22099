import { z } from 'zod';
import { MAX_TREND_MONTHS } from './reports-service.ts';
import { STAFFING_MAX_WEEKS } from './staffing.ts';

const day = z.iso.date();
// Integers in a query string arrive as text.
const seconds = (max: number) => z.coerce.number().int().min(0).max(max);

/** One portfolio's id, or `none` for the agency's own stock (src/domain/portfolio-scope.ts); absent: the whole agency. */
const portfolio = z.string().min(1).max(64).optional();

export const CallReportQuery = z.object({
  agency: z.string().min(1),
  portfolio,
  from: day,
  to: day,
  format: z.enum(['json', 'csv']).default('json'),
  /** Adds `previousYear`: the same days one year earlier. */
  compare: z.enum(['previous-year']).optional(),
  /** What-if thresholds; the agency's own when absent. */
  serviceLevelSeconds: seconds(3600).optional(),
  shortAbandonSeconds: seconds(3600).optional(),
});

export const OperationsQuery = z.object({
  agency: z.string().min(1),
  from: day,
  to: day,
  format: z.enum(['json', 'csv']).default('json'),
});

export const TrendQuery = z.object({
  agency: z.string().min(1),
  portfolio,
  months: z.coerce.number().int().min(1).max(MAX_TREND_MONTHS).default(36),
  /** Last month of the trend, YYYY-MM; by default the last complete month. */
  to: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected YYYY-MM')
    .optional(),
});

const period = z.string().regex(/^\d{4}-Q[1-4]$/, 'expected YYYY-Qn, e.g. 2026-Q1');

export const StaffingQuery = z.object({
  /** Absent: the whole center the viewer serves. */
  agency: z.string().min(1).optional(),
  weeks: z.coerce.number().int().min(1).max(STAFFING_MAX_WEEKS).default(8),
  /** current: the season of today; heating or other: that season's most recent days. */
  season: z.enum(['current', 'heating', 'other']).default('current'),
  format: z.enum(['json', 'csv']).default('json'),
});

export const StatementListQuery = z.object({ agency: z.string().min(1).optional() });
export const StatementPreviewQuery = z.object({ agency: z.string().min(1), period });
export const IssueStatementBody = z.object({ agency: z.string().min(1), period });
export const StatementParams = z.object({ id: z.string().min(1).max(64) });
export const RebuildRollupBody = z.object({ agency: z.string().min(1), from: day, to: day });
