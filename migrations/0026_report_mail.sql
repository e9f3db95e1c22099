CREATE TABLE "report_mail_recipients" (
	"agency_code" text NOT NULL,
	"kind" text NOT NULL,
	"address" text NOT NULL,
	CONSTRAINT "report_mail_recipients_agency_code_kind_address_pk" PRIMARY KEY("agency_code","kind","address")
);
--> statement-breakpoint
CREATE TABLE "report_mailings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"agency_code" text NOT NULL,
	"period" text NOT NULL,
	"to_address" text NOT NULL,
	"subject" text NOT NULL,
	"text_body" text NOT NULL,
	"html_body" text NOT NULL,
	"attachment_name" text,
	"attachment_csv" text,
	"dedupe_key" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"lease_until" timestamp with time zone,
	"lease_token" uuid,
	"last_error" text,
	"updated_at" timestamp with time zone NOT NULL,
	"delivered_at" timestamp with time zone,
	"give_up_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "report_mail_recipients" ADD CONSTRAINT "report_mail_recipients_agency_code_agencies_code_fk" FOREIGN KEY ("agency_code") REFERENCES "public"."agencies"("code") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_mailings" ADD CONSTRAINT "report_mailings_agency_code_agencies_code_fk" FOREIGN KEY ("agency_code") REFERENCES "public"."agencies"("code") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "report_mailings_dedupe_idx" ON "report_mailings" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "report_mailings_due_idx" ON "report_mailings" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "report_mailings_agency_idx" ON "report_mailings" USING btree ("agency_code","kind","period");