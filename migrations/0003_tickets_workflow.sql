CREATE TABLE "ticket_calls" (
	"ticket_id" uuid NOT NULL,
	"call_sid" text NOT NULL,
	"linked_at" timestamp with time zone NOT NULL,
	CONSTRAINT "ticket_calls_ticket_id_call_sid_pk" PRIMARY KEY("ticket_id","call_sid")
);
--> statement-breakpoint
CREATE TABLE "ticket_counters" (
	"agency_code" text NOT NULL,
	"year" integer NOT NULL,
	"last" integer NOT NULL,
	CONSTRAINT "ticket_counters_agency_code_year_pk" PRIMARY KEY("agency_code","year")
);
--> statement-breakpoint
CREATE TABLE "ticket_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ticket_id" uuid NOT NULL,
	"type" text NOT NULL,
	"from_status" text,
	"to_status" text,
	"text" text,
	"data" jsonb,
	"email_id" text,
	"actor_kind" text NOT NULL,
	"actor_id" text NOT NULL,
	"actor_name" text NOT NULL,
	"actor_role" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tickets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ref" text NOT NULL,
	"agency_code" text NOT NULL,
	"portfolio_id" text,
	"year" integer NOT NULL,
	"seq" integer NOT NULL,
	"category" text NOT NULL,
	"status" text NOT NULL,
	"channel" text NOT NULL,
	"priority" text DEFAULT 'normal' NOT NULL,
	"subject" text,
	"description" text NOT NULL,
	"caller_phone" text,
	"caller_name" text,
	"caller_email" text,
	"tenant_code" text,
	"dwelling" jsonb,
	"assigned_to" text,
	"assigned_at" timestamp with time zone,
	"created_by_id" text NOT NULL,
	"created_by_name" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tenant_phones" (
	"tenant_id" uuid NOT NULL,
	"agency_code" text NOT NULL,
	"e164" text NOT NULL,
	CONSTRAINT "tenant_phones_tenant_id_e164_pk" PRIMARY KEY("tenant_id","e164")
);
--> statement-breakpoint
CREATE TABLE "tenants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"agency_code" text NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"email" text,
	"portfolio_id" text,
	"address" text,
	"municipality" text,
	"building" text,
	"stair" text,
	"floor" text,
	"flat" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "operator_presence" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"presence" text NOT NULL,
	"location" text NOT NULL,
	"call_sid" text,
	"since" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "operator_presence_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"presence" text NOT NULL,
	"location" text NOT NULL,
	"call_sid" text,
	"occurred_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "operator_queues" (
	"user_id" uuid NOT NULL,
	"queue_name" text NOT NULL,
	CONSTRAINT "operator_queues_user_id_queue_name_pk" PRIMARY KEY("user_id","queue_name")
);
--> statement-breakpoint
CREATE TABLE "deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"agency_code" text NOT NULL,
	"ticket_id" uuid,
	"ticket_ref" text,
	"target_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"event_type" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"payload" jsonb NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"lease_until" timestamp with time zone,
	"lease_token" uuid,
	"give_up_at" timestamp with time zone NOT NULL,
	"last_error" text,
	"last_status_code" integer,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"delivered_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "delivery_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"delivery_id" uuid NOT NULL,
	"attempt" integer NOT NULL,
	"ok" boolean NOT NULL,
	"status_code" integer,
	"error" text,
	"duration_ms" integer,
	"occurred_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "delivery_targets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"agency_code" text NOT NULL,
	"category" text,
	"kind" text NOT NULL,
	"label" text NOT NULL,
	"url" text,
	"secret" text,
	"email_to" text,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "callback_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"callback_id" uuid NOT NULL,
	"outcome" text NOT NULL,
	"note" text,
	"actor_id" text NOT NULL,
	"actor_name" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "callbacks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"agency_code" text NOT NULL,
	"call_sid" text NOT NULL,
	"queue_name" text,
	"category" text,
	"caller_phone" text NOT NULL,
	"abandoned_at" timestamp with time zone NOT NULL,
	"waited_seconds" integer,
	"due_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_outcome" text,
	"assigned_to" text,
	"ticket_ref" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "ticket_calls" ADD CONSTRAINT "ticket_calls_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_counters" ADD CONSTRAINT "ticket_counters_agency_code_agencies_code_fk" FOREIGN KEY ("agency_code") REFERENCES "public"."agencies"("code") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_events" ADD CONSTRAINT "ticket_events_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_agency_code_agencies_code_fk" FOREIGN KEY ("agency_code") REFERENCES "public"."agencies"("code") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenant_phones" ADD CONSTRAINT "tenant_phones_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_agency_code_agencies_code_fk" FOREIGN KEY ("agency_code") REFERENCES "public"."agencies"("code") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operator_presence" ADD CONSTRAINT "operator_presence_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operator_presence_events" ADD CONSTRAINT "operator_presence_events_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operator_queues" ADD CONSTRAINT "operator_queues_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operator_queues" ADD CONSTRAINT "operator_queues_queue_name_queues_name_fk" FOREIGN KEY ("queue_name") REFERENCES "public"."queues"("name") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delivery_attempts" ADD CONSTRAINT "delivery_attempts_delivery_id_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."deliveries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delivery_targets" ADD CONSTRAINT "delivery_targets_agency_code_agencies_code_fk" FOREIGN KEY ("agency_code") REFERENCES "public"."agencies"("code") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "callback_attempts" ADD CONSTRAINT "callback_attempts_callback_id_callbacks_id_fk" FOREIGN KEY ("callback_id") REFERENCES "public"."callbacks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "callbacks" ADD CONSTRAINT "callbacks_agency_code_agencies_code_fk" FOREIGN KEY ("agency_code") REFERENCES "public"."agencies"("code") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ticket_calls_call_sid_idx" ON "ticket_calls" USING btree ("call_sid");--> statement-breakpoint
CREATE INDEX "ticket_events_ticket_idx" ON "ticket_events" USING btree ("ticket_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "ticket_events_email_idx" ON "ticket_events" USING btree ("ticket_id","email_id");--> statement-breakpoint
CREATE UNIQUE INDEX "tickets_ref_idx" ON "tickets" USING btree ("ref");--> statement-breakpoint
CREATE UNIQUE INDEX "tickets_agency_year_seq_idx" ON "tickets" USING btree ("agency_code","year","seq");--> statement-breakpoint
CREATE INDEX "tickets_agency_created_idx" ON "tickets" USING btree ("agency_code","created_at");--> statement-breakpoint
CREATE INDEX "tickets_agency_status_idx" ON "tickets" USING btree ("agency_code","status");--> statement-breakpoint
CREATE INDEX "tickets_agency_caller_phone_idx" ON "tickets" USING btree ("agency_code","caller_phone");--> statement-breakpoint
CREATE INDEX "tickets_agency_tenant_idx" ON "tickets" USING btree ("agency_code","tenant_code");--> statement-breakpoint
CREATE INDEX "tenant_phones_agency_e164_idx" ON "tenant_phones" USING btree ("agency_code","e164");--> statement-breakpoint
CREATE UNIQUE INDEX "tenants_agency_code_idx" ON "tenants" USING btree ("agency_code","code");--> statement-breakpoint
CREATE INDEX "operator_presence_events_user_idx" ON "operator_presence_events" USING btree ("user_id","occurred_at");--> statement-breakpoint
CREATE UNIQUE INDEX "deliveries_dedupe_idx" ON "deliveries" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "deliveries_due_idx" ON "deliveries" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "deliveries_agency_status_idx" ON "deliveries" USING btree ("agency_code","status","created_at");--> statement-breakpoint
CREATE INDEX "deliveries_ticket_idx" ON "deliveries" USING btree ("ticket_id");--> statement-breakpoint
CREATE INDEX "delivery_attempts_delivery_idx" ON "delivery_attempts" USING btree ("delivery_id","id");--> statement-breakpoint
CREATE INDEX "delivery_targets_agency_idx" ON "delivery_targets" USING btree ("agency_code","category");--> statement-breakpoint
CREATE INDEX "callback_attempts_callback_idx" ON "callback_attempts" USING btree ("callback_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "callbacks_call_sid_idx" ON "callbacks" USING btree ("call_sid");--> statement-breakpoint
CREATE INDEX "callbacks_agency_status_due_idx" ON "callbacks" USING btree ("agency_code","status","due_at");