CREATE TABLE "holiday_choices" (
	"agency_code" text NOT NULL,
	"holiday_key" text NOT NULL,
	"mode" text NOT NULL,
	"ranges" jsonb DEFAULT '[]'::jsonb NOT NULL,
	CONSTRAINT "holiday_choices_agency_code_holiday_key_pk" PRIMARY KEY("agency_code","holiday_key")
);
--> statement-breakpoint
ALTER TABLE "agencies" ADD COLUMN "comuni" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "agencies" ADD COLUMN "holiday_mode" text DEFAULT 'open' NOT NULL;--> statement-breakpoint
ALTER TABLE "holiday_choices" ADD CONSTRAINT "holiday_choices_agency_code_agencies_code_fk" FOREIGN KEY ("agency_code") REFERENCES "public"."agencies"("code") ON DELETE cascade ON UPDATE no action;