-- Contracts become versions that are never updated or deleted: the rows already there are kept,
-- numbered in the order they were recorded, each in force from its start date. Statements get a
-- readable number and name their issuer by display name.
ALTER TABLE "agency_contracts" ADD COLUMN "version" integer;--> statement-breakpoint
ALTER TABLE "agency_contracts" ADD COLUMN "effective_from" date;--> statement-breakpoint
ALTER TABLE "agency_contracts" ADD COLUMN "recorded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "agency_contracts" ADD COLUMN "recorded_by_id" text;--> statement-breakpoint
ALTER TABLE "agency_contracts" ADD COLUMN "recorded_by_name" text;--> statement-breakpoint
UPDATE "agency_contracts" AS c SET "version" = n.version, "effective_from" = c."starts_on"
FROM (SELECT "id", row_number() OVER (PARTITION BY "agency_code" ORDER BY "id")::int AS version FROM "agency_contracts") AS n
WHERE n."id" = c."id";--> statement-breakpoint
ALTER TABLE "agency_contracts" ALTER COLUMN "version" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "agency_contracts" ALTER COLUMN "effective_from" SET NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "agency_contracts_agency_version_idx" ON "agency_contracts" USING btree ("agency_code","version");--> statement-breakpoint
ALTER TABLE "statements" ADD COLUMN "number" text;--> statement-breakpoint
UPDATE "statements" AS s SET "number" = a."ticket_prefix" || '-' || substr(s."period", 1, 4) || '-T' || substr(s."period", 7, 1) || '-v' || s."version"
FROM "agencies" AS a WHERE a."code" = s."agency_code";--> statement-breakpoint
UPDATE "statements" AS s SET "issued_by_name" = u."display_name" FROM "users" AS u WHERE u."id"::text = s."issued_by_id";--> statement-breakpoint
ALTER TABLE "statements" ALTER COLUMN "number" SET NOT NULL;
