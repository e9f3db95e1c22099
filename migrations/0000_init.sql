CREATE TABLE "agencies" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"timezone" text DEFAULT 'Europe/Rome' NOT NULL,
	"emergency_number" text,
	"service_level_seconds" integer DEFAULT 20 NOT NULL,
	"short_abandon_seconds" integer DEFAULT 5 NOT NULL,
	"service_level_target_pct" integer DEFAULT 80 NOT NULL,
	"ticket_prefix" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "agency_contracts" (
	"id" serial PRIMARY KEY NOT NULL,
	"agency_code" text NOT NULL,
	"annual_fee_cents" bigint NOT NULL,
	"currency" text DEFAULT 'EUR' NOT NULL,
	"vat_excluded" boolean DEFAULT true NOT NULL,
	"billing" text DEFAULT 'quarterly_in_arrears' NOT NULL,
	"starts_on" date NOT NULL,
	"months" integer NOT NULL,
	"tacit_renewal" boolean DEFAULT true NOT NULL,
	"notice_months" integer DEFAULT 3 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "email_addresses" (
	"address" text PRIMARY KEY NOT NULL,
	"agency_code" text NOT NULL,
	"portfolio_id" text
);
--> statement-breakpoint
CREATE TABLE "opening_hours" (
	"id" serial PRIMARY KEY NOT NULL,
	"agency_code" text NOT NULL,
	"weekday" smallint NOT NULL,
	"opens" text NOT NULL,
	"closes" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "phone_numbers" (
	"e164" text PRIMARY KEY NOT NULL,
	"agency_code" text NOT NULL,
	"portfolio_id" text,
	"kind" text NOT NULL,
	"label" text
);
--> statement-breakpoint
CREATE TABLE "portfolios" (
	"id" text PRIMARY KEY NOT NULL,
	"agency_code" text NOT NULL,
	"name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "queues" (
	"name" text PRIMARY KEY NOT NULL,
	"agency_code" text NOT NULL,
	"category" text NOT NULL,
	"label" text NOT NULL,
	"priority" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "schedule_exceptions" (
	"id" serial PRIMARY KEY NOT NULL,
	"agency_code" text NOT NULL,
	"date" date NOT NULL,
	"opens" text,
	"closes" text,
	"note" text
);
--> statement-breakpoint
CREATE TABLE "call_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"call_sid" text NOT NULL,
	"step" text NOT NULL,
	"type" text NOT NULL,
	"payload" jsonb NOT NULL,
	"response" text,
	"occurred_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "calls" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"call_sid" text NOT NULL,
	"agency_code" text,
	"portfolio_id" text,
	"to_number" text NOT NULL,
	"from_number" text,
	"number_kind" text,
	"started_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"status_sequence" integer,
	"outcome" text NOT NULL,
	"category" text,
	"queue_name" text,
	"enqueued_at" timestamp with time zone,
	"queue_time_seconds" integer,
	"bridged_at" timestamp with time zone,
	"answered_by" text,
	"operator_call_sid" text,
	"ended_at" timestamp with time zone,
	"duration_seconds" integer,
	"talk_seconds" integer,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "operator_legs" (
	"call_sid" text PRIMARY KEY NOT NULL,
	"identity" text NOT NULL,
	"queue_name" text,
	"started_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agency_contracts" ADD CONSTRAINT "agency_contracts_agency_code_agencies_code_fk" FOREIGN KEY ("agency_code") REFERENCES "public"."agencies"("code") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_addresses" ADD CONSTRAINT "email_addresses_agency_code_agencies_code_fk" FOREIGN KEY ("agency_code") REFERENCES "public"."agencies"("code") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_addresses" ADD CONSTRAINT "email_addresses_portfolio_id_portfolios_id_fk" FOREIGN KEY ("portfolio_id") REFERENCES "public"."portfolios"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "opening_hours" ADD CONSTRAINT "opening_hours_agency_code_agencies_code_fk" FOREIGN KEY ("agency_code") REFERENCES "public"."agencies"("code") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD CONSTRAINT "phone_numbers_agency_code_agencies_code_fk" FOREIGN KEY ("agency_code") REFERENCES "public"."agencies"("code") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD CONSTRAINT "phone_numbers_portfolio_id_portfolios_id_fk" FOREIGN KEY ("portfolio_id") REFERENCES "public"."portfolios"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portfolios" ADD CONSTRAINT "portfolios_agency_code_agencies_code_fk" FOREIGN KEY ("agency_code") REFERENCES "public"."agencies"("code") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "queues" ADD CONSTRAINT "queues_agency_code_agencies_code_fk" FOREIGN KEY ("agency_code") REFERENCES "public"."agencies"("code") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "schedule_exceptions" ADD CONSTRAINT "schedule_exceptions_agency_code_agencies_code_fk" FOREIGN KEY ("agency_code") REFERENCES "public"."agencies"("code") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calls" ADD CONSTRAINT "calls_agency_code_agencies_code_fk" FOREIGN KEY ("agency_code") REFERENCES "public"."agencies"("code") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "opening_hours_agency_idx" ON "opening_hours" USING btree ("agency_code");--> statement-breakpoint
CREATE INDEX "phone_numbers_agency_idx" ON "phone_numbers" USING btree ("agency_code");--> statement-breakpoint
CREATE UNIQUE INDEX "queues_agency_category_idx" ON "queues" USING btree ("agency_code","category");--> statement-breakpoint
CREATE INDEX "schedule_exceptions_agency_date_idx" ON "schedule_exceptions" USING btree ("agency_code","date");--> statement-breakpoint
CREATE UNIQUE INDEX "call_events_sid_step_idx" ON "call_events" USING btree ("call_sid","step");--> statement-breakpoint
CREATE INDEX "call_events_occurred_idx" ON "call_events" USING btree ("occurred_at");--> statement-breakpoint
CREATE UNIQUE INDEX "calls_call_sid_idx" ON "calls" USING btree ("call_sid");--> statement-breakpoint
CREATE INDEX "calls_agency_started_idx" ON "calls" USING btree ("agency_code","started_at");--> statement-breakpoint
CREATE INDEX "calls_queue_outcome_idx" ON "calls" USING btree ("queue_name","outcome","enqueued_at");