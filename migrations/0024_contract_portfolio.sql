-- A contract version may bill one portfolio separately; existing versions (null) bill the agency as a whole, as before.
ALTER TABLE "agency_contracts" ADD COLUMN "portfolio_id" text;