CREATE TABLE "agency_categories" (
	"agency_code" text NOT NULL,
	"code" text NOT NULL,
	"label" text NOT NULL,
	"menu_phrase" text,
	"digit" smallint,
	"position" smallint NOT NULL,
	"heating_boost_seconds" integer DEFAULT 0 NOT NULL,
	"keywords" text[] DEFAULT '{}'::text[] NOT NULL,
	"is_fallback" boolean DEFAULT false NOT NULL,
	"retired_at" timestamp with time zone,
	CONSTRAINT "agency_categories_agency_code_code_pk" PRIMARY KEY("agency_code","code")
);
--> statement-breakpoint
ALTER TABLE "agency_categories" ADD CONSTRAINT "agency_categories_agency_code_agencies_code_fk" FOREIGN KEY ("agency_code") REFERENCES "public"."agencies"("code") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "agency_categories_one_fallback_idx" ON "agency_categories" USING btree ("agency_code") WHERE "agency_categories"."is_fallback";--> statement-breakpoint
-- Every existing agency keeps the three categories it always had, with the same labels, digits,
-- keywords and heating boost (src/domain/categories.ts DEFAULT_CATEGORIES); tickets, calls,
-- call-backs, queues and delivery targets keep their category codes untouched.
INSERT INTO "agency_categories" ("agency_code", "code", "label", "menu_phrase", "digit", "position", "heating_boost_seconds", "keywords", "is_fallback")
SELECT "agencies"."code", "defaults"."code", "defaults"."label", "defaults"."menu_phrase", "defaults"."digit", "defaults"."position", "defaults"."boost", "defaults"."keywords", "defaults"."is_fallback"
FROM "agencies"
CROSS JOIN (VALUES
	('maintenance', 'manutenzione', 'guasti e manutenzione', 1, 1, 0, ARRAY['perdit', 'infiltrazion', 'guast', 'ascensor', 'allagament', 'muffa']::text[], false),
	('heating', 'riscaldamento', 'il riscaldamento', 2, 2, 120, ARRAY['caldai', 'riscaldament', 'termosifon', 'calorifer']::text[], false),
	('admin', 'pratiche amministrative', 'pratiche amministrative, contratti e bollette', 3, 3, 0, ARRAY[]::text[], true)
) AS "defaults"("code", "label", "menu_phrase", "digit", "position", "boost", "keywords", "is_fallback");
