CREATE TABLE "incident_tickets" (
	"incident_id" uuid NOT NULL,
	"ticket_id" uuid NOT NULL,
	"via" text NOT NULL,
	"linked_at" timestamp with time zone NOT NULL,
	CONSTRAINT "incident_tickets_incident_id_ticket_id_pk" PRIMARY KEY("incident_id","ticket_id")
);
--> statement-breakpoint
CREATE TABLE "incidents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"agency_code" text NOT NULL,
	"municipality" text NOT NULL,
	"building" text NOT NULL,
	"address" text NOT NULL,
	"category" text NOT NULL,
	"description" text NOT NULL,
	"expected_resolution_at" timestamp with time zone,
	"status" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"closed_by" text,
	"closed_at" timestamp with time zone,
	"closing_note" text
);
--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "pre_menu" text;--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN "incident_id" uuid;--> statement-breakpoint
ALTER TABLE "incident_tickets" ADD CONSTRAINT "incident_tickets_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_tickets" ADD CONSTRAINT "incident_tickets_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_agency_code_agencies_code_fk" FOREIGN KEY ("agency_code") REFERENCES "public"."agencies"("code") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "incident_tickets_ticket_idx" ON "incident_tickets" USING btree ("ticket_id");--> statement-breakpoint
CREATE INDEX "incidents_open_building_idx" ON "incidents" USING btree ("agency_code","municipality","building") WHERE "incidents"."status" = 'open';--> statement-breakpoint
CREATE INDEX "incidents_agency_created_idx" ON "incidents" USING btree ("agency_code","created_at");