CREATE TABLE "voice_settings" (
	"id" serial PRIMARY KEY NOT NULL,
	"agency_code" text NOT NULL,
	"portfolio_id" text,
	"greeting" text,
	"menu_intro" text,
	"closed_message" text,
	"emergency_number" text,
	"neutral_greeting" boolean,
	"offer_callbacks" boolean,
	"email_acknowledgements" boolean
);
--> statement-breakpoint
ALTER TABLE "voice_settings" ADD CONSTRAINT "voice_settings_agency_code_agencies_code_fk" FOREIGN KEY ("agency_code") REFERENCES "public"."agencies"("code") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "voice_settings" ADD CONSTRAINT "voice_settings_portfolio_id_portfolios_id_fk" FOREIGN KEY ("portfolio_id") REFERENCES "public"."portfolios"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "voice_settings_agency_idx" ON "voice_settings" USING btree ("agency_code") WHERE "voice_settings"."portfolio_id" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "voice_settings_portfolio_idx" ON "voice_settings" USING btree ("portfolio_id") WHERE "voice_settings"."portfolio_id" is not null;