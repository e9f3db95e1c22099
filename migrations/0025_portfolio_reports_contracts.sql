ALTER TABLE "call_rollup_hourly" ADD COLUMN "portfolio_id" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "call_rollup_hourly" DROP CONSTRAINT "call_rollup_hourly_agency_code_local_date_local_hour_category_number_kind_pk";--> statement-breakpoint
ALTER TABLE "call_rollup_hourly" ADD CONSTRAINT "call_rollup_hourly_agency_code_local_date_local_hour_category_number_kind_portfolio_id_pk" PRIMARY KEY("agency_code","local_date","local_hour","category","number_kind","portfolio_id");--> statement-breakpoint
-- The rows of an agency with calls to a portfolio's number mixed that portfolio with its own stock.
-- They are rebuilt, not guessed: dropping the agency's watermark makes reports read its raw calls
-- (same figures, slower) until the sealer, 5 s after start, seals its days again from `calls`,
-- now per portfolio. Agencies without portfolio calls keep their rows: '' is their right value.
DELETE FROM "call_rollup_hourly" WHERE "agency_code" IN (SELECT DISTINCT "agency_code" FROM "calls" WHERE "portfolio_id" IS NOT NULL AND "agency_code" IS NOT NULL);--> statement-breakpoint
DELETE FROM "call_rollup_watermarks" WHERE "agency_code" IN (SELECT DISTINCT "agency_code" FROM "calls" WHERE "portfolio_id" IS NOT NULL AND "agency_code" IS NOT NULL);
--> statement-breakpoint
-- A contract version may bill one portfolio separately; existing versions (null) bill the agency as a whole, as before.
ALTER TABLE "agency_contracts" ADD COLUMN "portfolio_id" text;