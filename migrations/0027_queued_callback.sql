ALTER TABLE "agencies" ADD COLUMN "queued_callback_seconds" integer;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "callback_phone" text;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "callback_attempts" integer;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "callback_not_before" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "callback_result" text;--> statement-breakpoint
ALTER TABLE "call_rollup_hourly" ADD COLUMN "queued_callbacks" integer DEFAULT 0 NOT NULL;