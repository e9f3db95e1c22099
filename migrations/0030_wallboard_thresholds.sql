ALTER TABLE "agencies" ADD COLUMN "wall_wait_alert_seconds" integer;--> statement-breakpoint
ALTER TABLE "agencies" ADD COLUMN "wall_abandon_amber_pct" integer;--> statement-breakpoint
ALTER TABLE "agencies" ADD COLUMN "wall_abandon_red_pct" integer;