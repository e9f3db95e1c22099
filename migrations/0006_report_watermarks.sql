CREATE TABLE "call_rollup_watermarks" (
	"agency_code" text PRIMARY KEY NOT NULL,
	"sealed_through" date NOT NULL,
	"sealed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "call_rollup_watermarks" ADD CONSTRAINT "call_rollup_watermarks_agency_code_agencies_code_fk" FOREIGN KEY ("agency_code") REFERENCES "public"."agencies"("code") ON DELETE cascade ON UPDATE no action;