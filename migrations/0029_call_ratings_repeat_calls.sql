CREATE TABLE "call_ratings" (
	"call_sid" text PRIMARY KEY NOT NULL,
	"agency_code" text NOT NULL,
	"rating" smallint NOT NULL,
	"rated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "call_ratings_rating_check" CHECK ("call_ratings"."rating" between 1 and 5)
);
--> statement-breakpoint
ALTER TABLE "voice_settings" ADD COLUMN "ask_rating" boolean;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "repeat_call" boolean;--> statement-breakpoint
ALTER TABLE "call_ratings" ADD CONSTRAINT "call_ratings_agency_code_agencies_code_fk" FOREIGN KEY ("agency_code") REFERENCES "public"."agencies"("code") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "call_ratings_agency_idx" ON "call_ratings" USING btree ("agency_code","rated_at");--> statement-breakpoint
CREATE INDEX "calls_agency_from_idx" ON "calls" USING btree ("agency_code","from_number") WHERE "calls"."from_number" is not null;