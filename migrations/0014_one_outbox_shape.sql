ALTER TABLE "email_outbox" RENAME COLUMN "sent_at" TO "delivered_at";--> statement-breakpoint
DROP INDEX "email_outbox_status_idx";--> statement-breakpoint
ALTER TABLE "email_outbox" ADD COLUMN "next_attempt_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "email_outbox" ADD COLUMN "lease_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "email_outbox" ADD COLUMN "lease_token" uuid;--> statement-breakpoint
ALTER TABLE "email_outbox" ADD COLUMN "updated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "email_outbox" ADD COLUMN "give_up_at" timestamp with time zone;--> statement-breakpoint
-- Acknowledgements written before take the outbox's statuses: queued, sent and failed become pending,
-- delivered and dead. A queued one is due at once, with the attempts it already had.
UPDATE "email_outbox" SET
  "status" = CASE "status" WHEN 'queued' THEN 'pending' WHEN 'sent' THEN 'delivered' WHEN 'failed' THEN 'dead' ELSE "status" END,
  "next_attempt_at" = "created_at",
  "updated_at" = coalesce("delivered_at", "created_at");--> statement-breakpoint
ALTER TABLE "email_outbox" ALTER COLUMN "next_attempt_at" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "email_outbox" ALTER COLUMN "updated_at" SET NOT NULL;--> statement-breakpoint
CREATE INDEX "email_outbox_due_idx" ON "email_outbox" USING btree ("status","next_attempt_at");
