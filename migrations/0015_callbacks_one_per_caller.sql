CREATE TABLE "callback_calls" (
	"call_sid" text PRIMARY KEY NOT NULL,
	"callback_id" uuid NOT NULL,
	"abandoned_at" timestamp with time zone NOT NULL,
	"waited_seconds" integer
);
--> statement-breakpoint
ALTER TABLE "agencies" ADD COLUMN "callback_due_minutes" integer;--> statement-breakpoint
ALTER TABLE "callback_attempts" ADD COLUMN "call_sid" text;--> statement-breakpoint
ALTER TABLE "callbacks" ADD COLUMN "abandoned_calls" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "callbacks" ADD COLUMN "last_abandoned_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "callbacks" ADD COLUMN "closed_reason" text;--> statement-breakpoint
ALTER TABLE "callbacks" ADD COLUMN "closed_by_call_sid" text;--> statement-breakpoint
ALTER TABLE "callbacks" ADD COLUMN "merged_into" uuid;--> statement-breakpoint
ALTER TABLE "callback_calls" ADD CONSTRAINT "callback_calls_callback_id_callbacks_id_fk" FOREIGN KEY ("callback_id") REFERENCES "public"."callbacks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "callback_calls_callback_idx" ON "callback_calls" USING btree ("callback_id","abandoned_at");--> statement-breakpoint
-- Every task so far stood for one abandoned call: that call becomes its first row of callback_calls.
UPDATE "callbacks" SET "last_abandoned_at" = "abandoned_at";--> statement-breakpoint
ALTER TABLE "callbacks" ALTER COLUMN "last_abandoned_at" SET NOT NULL;--> statement-breakpoint
INSERT INTO "callback_calls" ("call_sid", "callback_id", "abandoned_at", "waited_seconds")
  SELECT "call_sid", "id", "abandoned_at", "waited_seconds" FROM "callbacks";--> statement-breakpoint
-- Open tasks of the same caller and agency fold into the oldest one (the keeper): their calls and
-- attempts move to it, and each duplicate stays as a cancelled row that names its keeper, so
-- nothing of their history is lost.
CREATE TABLE "callback_merge_0015" AS
  SELECT "id", first_value("id") OVER (PARTITION BY "agency_code", "caller_phone" ORDER BY "abandoned_at", "id") AS "keeper"
  FROM "callbacks" WHERE "status" = 'open';--> statement-breakpoint
DELETE FROM "callback_merge_0015" WHERE "id" = "keeper";--> statement-breakpoint
UPDATE "callback_calls" SET "callback_id" = m."keeper" FROM "callback_merge_0015" m WHERE "callback_calls"."callback_id" = m."id";--> statement-breakpoint
UPDATE "callback_attempts" SET "callback_id" = m."keeper" FROM "callback_merge_0015" m WHERE "callback_attempts"."callback_id" = m."id";--> statement-breakpoint
UPDATE "callbacks" k SET
  "abandoned_calls" = agg."calls",
  "last_abandoned_at" = agg."last_abandoned_at",
  "attempts" = agg."attempts",
  "due_at" = agg."due_at",
  "updated_at" = greatest(k."updated_at", agg."updated_at")
FROM (
  SELECT coalesce(m."keeper", c."id") AS "keeper", count(*)::integer AS "calls", max(c."abandoned_at") AS "last_abandoned_at",
         sum(c."attempts")::integer AS "attempts", min(c."due_at") AS "due_at", max(c."updated_at") AS "updated_at"
  FROM "callbacks" c LEFT JOIN "callback_merge_0015" m ON m."id" = c."id"
  WHERE c."status" = 'open' AND (m."id" IS NOT NULL OR c."id" IN (SELECT "keeper" FROM "callback_merge_0015"))
  GROUP BY 1
) agg
WHERE k."id" = agg."keeper";--> statement-breakpoint
UPDATE "callbacks" SET "status" = 'cancelled', "closed_reason" = 'merged', "merged_into" = m."keeper", "assigned_to" = NULL,
  "closed_at" = "callbacks"."updated_at", "attempts" = 0, "abandoned_calls" = 0
FROM "callback_merge_0015" m WHERE "callbacks"."id" = m."id";--> statement-breakpoint
DROP TABLE "callback_merge_0015";--> statement-breakpoint
CREATE UNIQUE INDEX "callbacks_open_caller_idx" ON "callbacks" USING btree ("agency_code","caller_phone") WHERE "callbacks"."status" = 'open';
