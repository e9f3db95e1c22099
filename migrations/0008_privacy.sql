CREATE TABLE "privacy_receipts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"agency_code" text NOT NULL,
	"status" text NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone,
	"actor_kind" text NOT NULL,
	"actor_id" text NOT NULL,
	"actor_name" text NOT NULL,
	"actor_role" text NOT NULL,
	"subject" jsonb,
	"counts" jsonb,
	"sha256" text,
	"byte_size" bigint,
	"details" jsonb,
	"request_id" text
);
--> statement-breakpoint
CREATE TABLE "privacy_settings" (
	"agency_code" text PRIMARY KEY NOT NULL,
	"personal_data_months" integer NOT NULL,
	"access_log_months" integer NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"updated_by" text NOT NULL,
	"last_retention_at" timestamp with time zone,
	"last_retention_cutoff" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "privacy_settings" ADD CONSTRAINT "privacy_settings_agency_code_agencies_code_fk" FOREIGN KEY ("agency_code") REFERENCES "public"."agencies"("code") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "privacy_receipts_agency_requested_idx" ON "privacy_receipts" USING btree ("agency_code","requested_at");--> statement-breakpoint
CREATE INDEX "privacy_receipts_sha256_idx" ON "privacy_receipts" USING btree ("sha256");