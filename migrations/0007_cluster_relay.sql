CREATE TABLE "cluster_event_overflow" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"body" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "cluster_event_overflow_created_idx" ON "cluster_event_overflow" USING btree ("created_at");