CREATE TABLE "call_outcome_codes" (
	"agency_code" text NOT NULL,
	"code" text NOT NULL,
	"label" text NOT NULL,
	"position" smallint NOT NULL,
	CONSTRAINT "call_outcome_codes_agency_code_code_pk" PRIMARY KEY("agency_code","code")
);
--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "last_heard_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "wrap_up_code" text;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "wrap_up_by" text;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "wrap_up_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "operator_legs" ADD COLUMN "ended_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "call_rollup_hourly" ADD COLUMN "lost" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "call_outcome_codes" ADD CONSTRAINT "call_outcome_codes_agency_code_agencies_code_fk" FOREIGN KEY ("agency_code") REFERENCES "public"."agencies"("code") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "calls_queued_heard_idx" ON "calls" USING btree ("last_heard_at") WHERE "calls"."outcome" = 'queued';--> statement-breakpoint
CREATE INDEX "calls_agency_wrap_up_idx" ON "calls" USING btree ("agency_code","started_at","wrap_up_code") WHERE "calls"."wrap_up_code" is not null;