ALTER TABLE "tickets" ADD COLUMN "linked_ref" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "link_kind" text;--> statement-breakpoint
CREATE INDEX "tenants_agency_email_idx" ON "tenants" USING btree ("agency_code",lower("email"));--> statement-breakpoint
CREATE INDEX "email_outbox_recipient_created_idx" ON "email_outbox" USING btree ("agency_code",lower("to_address"),"created_at");--> statement-breakpoint
CREATE INDEX "email_outbox_ticket_idx" ON "email_outbox" USING btree ("ticket_ref");