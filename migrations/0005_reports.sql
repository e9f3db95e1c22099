CREATE TABLE "call_rollup_hourly" (
	"agency_code" text NOT NULL,
	"local_date" date NOT NULL,
	"local_hour" smallint NOT NULL,
	"category" text NOT NULL,
	"number_kind" text NOT NULL,
	"calls" integer NOT NULL,
	"out_of_hours" integer NOT NULL,
	"queued" integer NOT NULL,
	"answered" integer NOT NULL,
	"hangups" integer NOT NULL,
	"answered_wait_sum" bigint NOT NULL,
	"answered_wait_max" integer,
	"hangup_wait_max" integer,
	"talk_sum" bigint NOT NULL,
	"talk_count" integer NOT NULL,
	"answered_wait_le" integer[] NOT NULL,
	"hangup_wait_le" integer[] NOT NULL,
	CONSTRAINT "call_rollup_hourly_agency_code_local_date_local_hour_category_number_kind_pk" PRIMARY KEY("agency_code","local_date","local_hour","category","number_kind")
);
--> statement-breakpoint
CREATE TABLE "statements" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"agency_code" text NOT NULL,
	"period" text NOT NULL,
	"period_from" date NOT NULL,
	"period_to" date NOT NULL,
	"version" integer NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"issued_by_id" text NOT NULL,
	"issued_by_name" text NOT NULL,
	"parameters" jsonb NOT NULL,
	"body" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "call_rollup_hourly" ADD CONSTRAINT "call_rollup_hourly_agency_code_agencies_code_fk" FOREIGN KEY ("agency_code") REFERENCES "public"."agencies"("code") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "statements" ADD CONSTRAINT "statements_agency_code_agencies_code_fk" FOREIGN KEY ("agency_code") REFERENCES "public"."agencies"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "statements_agency_period_version_idx" ON "statements" USING btree ("agency_code","period","version");--> statement-breakpoint
CREATE INDEX "statements_agency_issued_idx" ON "statements" USING btree ("agency_code","issued_at");