ALTER TABLE "delivery_targets" ADD COLUMN "portfolio_id" text;
-- Existing targets keep serving every portfolio of their agency (null), exactly as before.
