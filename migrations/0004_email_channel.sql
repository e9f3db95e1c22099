CREATE TABLE "email_attachments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"filename" text NOT NULL,
	"content_type" text NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"content_id" text,
	"inline" boolean DEFAULT false NOT NULL,
	"content" "bytea" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "email_message_ids" (
	"agency_code" text NOT NULL,
	"message_id" text NOT NULL,
	"email_id" uuid,
	"outbox_id" uuid,
	CONSTRAINT "email_message_ids_agency_code_message_id_pk" PRIMARY KEY("agency_code","message_id")
);
--> statement-breakpoint
CREATE TABLE "email_outbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"agency_code" text NOT NULL,
	"ticket_ref" text,
	"inbound_email_id" uuid,
	"from_address" text NOT NULL,
	"to_address" text NOT NULL,
	"subject" text NOT NULL,
	"text_body" text NOT NULL,
	"message_id" text NOT NULL,
	"in_reply_to" text,
	"references" jsonb,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone,
	"last_error" text
);
--> statement-breakpoint
CREATE TABLE "email_webhook_nonces" (
	"provider" text NOT NULL,
	"token" text NOT NULL,
	"seen_at" timestamp with time zone NOT NULL,
	CONSTRAINT "email_webhook_nonces_provider_token_pk" PRIMARY KEY("provider","token")
);
--> statement-breakpoint
CREATE TABLE "inbound_email_raw" (
	"email_id" uuid PRIMARY KEY NOT NULL,
	"bytes" "bytea" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inbound_emails" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"provider" text NOT NULL,
	"envelope_to" jsonb NOT NULL,
	"raw_sha256" text NOT NULL,
	"raw_size" integer NOT NULL,
	"status" text NOT NULL,
	"lease_until" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"processed_at" timestamp with time zone,
	"kind" text,
	"agency_code" text,
	"portfolio_id" text,
	"recipient" text,
	"message_id" text,
	"in_reply_to" text,
	"references" jsonb,
	"from_address" text,
	"from_name" text,
	"subject" text,
	"sent_at" timestamp with time zone,
	"text_body" text,
	"flags" jsonb,
	"pec" jsonb,
	"category" text,
	"ticket_ref" text,
	"duplicate_of" uuid,
	"quarantine_reason" text,
	"quarantined_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"resolved_by" text,
	"last_error" text
);
--> statement-breakpoint
ALTER TABLE "email_attachments" ADD CONSTRAINT "email_attachments_email_id_inbound_emails_id_fk" FOREIGN KEY ("email_id") REFERENCES "public"."inbound_emails"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_message_ids" ADD CONSTRAINT "email_message_ids_agency_code_agencies_code_fk" FOREIGN KEY ("agency_code") REFERENCES "public"."agencies"("code") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_message_ids" ADD CONSTRAINT "email_message_ids_email_id_inbound_emails_id_fk" FOREIGN KEY ("email_id") REFERENCES "public"."inbound_emails"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_outbox" ADD CONSTRAINT "email_outbox_agency_code_agencies_code_fk" FOREIGN KEY ("agency_code") REFERENCES "public"."agencies"("code") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_outbox" ADD CONSTRAINT "email_outbox_inbound_email_id_inbound_emails_id_fk" FOREIGN KEY ("inbound_email_id") REFERENCES "public"."inbound_emails"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_email_raw" ADD CONSTRAINT "inbound_email_raw_email_id_inbound_emails_id_fk" FOREIGN KEY ("email_id") REFERENCES "public"."inbound_emails"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_emails" ADD CONSTRAINT "inbound_emails_agency_code_agencies_code_fk" FOREIGN KEY ("agency_code") REFERENCES "public"."agencies"("code") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "email_attachments_email_position_idx" ON "email_attachments" USING btree ("email_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "email_outbox_message_id_idx" ON "email_outbox" USING btree ("message_id");--> statement-breakpoint
CREATE UNIQUE INDEX "email_outbox_inbound_kind_idx" ON "email_outbox" USING btree ("inbound_email_id","kind") WHERE "email_outbox"."inbound_email_id" is not null;--> statement-breakpoint
CREATE INDEX "email_outbox_status_idx" ON "email_outbox" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "email_webhook_nonces_seen_idx" ON "email_webhook_nonces" USING btree ("seen_at");--> statement-breakpoint
CREATE UNIQUE INDEX "inbound_emails_raw_sha256_idx" ON "inbound_emails" USING btree ("raw_sha256");--> statement-breakpoint
CREATE INDEX "inbound_emails_status_received_idx" ON "inbound_emails" USING btree ("status","received_at");--> statement-breakpoint
CREATE INDEX "inbound_emails_agency_received_idx" ON "inbound_emails" USING btree ("agency_code","received_at");--> statement-breakpoint
CREATE INDEX "inbound_emails_ticket_idx" ON "inbound_emails" USING btree ("ticket_ref");