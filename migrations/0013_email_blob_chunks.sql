CREATE TABLE "email_blob_chunks" (
	"blob_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"email_id" uuid NOT NULL,
	"bytes" "bytea" NOT NULL,
	CONSTRAINT "email_blob_chunks_blob_id_seq_pk" PRIMARY KEY("blob_id","seq")
);
--> statement-breakpoint
CREATE TABLE "email_loose_blobs" (
	"blob_id" uuid PRIMARY KEY NOT NULL,
	"state" text NOT NULL,
	"since" timestamp with time zone NOT NULL
);
--> statement-breakpoint
-- Existing rows get a blob each (a volatile default is evaluated per row), and their bytes move
-- into 256 KiB chunks under it before the old columns go.
ALTER TABLE "email_attachments" ADD COLUMN "blob_id" uuid NOT NULL DEFAULT gen_random_uuid();--> statement-breakpoint
ALTER TABLE "email_attachments" ALTER COLUMN "blob_id" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "inbound_email_raw" ADD COLUMN "blob_id" uuid NOT NULL DEFAULT gen_random_uuid();--> statement-breakpoint
ALTER TABLE "inbound_email_raw" ALTER COLUMN "blob_id" DROP DEFAULT;--> statement-breakpoint
INSERT INTO "email_blob_chunks" ("blob_id", "seq", "email_id", "bytes")
SELECT r."blob_id", s.seq, r."email_id", substring(r."bytes" from s.seq * 262144 + 1 for 262144)
FROM "inbound_email_raw" r
CROSS JOIN LATERAL generate_series(0, greatest(octet_length(r."bytes") - 1, 0) / 262144) AS s(seq);--> statement-breakpoint
INSERT INTO "email_blob_chunks" ("blob_id", "seq", "email_id", "bytes")
SELECT a."blob_id", s.seq, a."email_id", substring(a."content" from s.seq * 262144 + 1 for 262144)
FROM "email_attachments" a
CROSS JOIN LATERAL generate_series(0, greatest(octet_length(a."content") - 1, 0) / 262144) AS s(seq);--> statement-breakpoint
CREATE INDEX "email_blob_chunks_email_idx" ON "email_blob_chunks" USING btree ("email_id");--> statement-breakpoint
CREATE INDEX "email_loose_blobs_state_since_idx" ON "email_loose_blobs" USING btree ("state","since");--> statement-breakpoint
CREATE UNIQUE INDEX "email_attachments_blob_idx" ON "email_attachments" USING btree ("blob_id");--> statement-breakpoint
CREATE UNIQUE INDEX "inbound_email_raw_blob_idx" ON "inbound_email_raw" USING btree ("blob_id");--> statement-breakpoint
ALTER TABLE "email_attachments" DROP COLUMN "content";--> statement-breakpoint
ALTER TABLE "inbound_email_raw" DROP COLUMN "bytes";--> statement-breakpoint
-- Whatever deletes a row that names a blob (retention, erasure, the end of a contract, a cascade
-- from the e-mail), its chunks become loose and the sweep removes them: no chunk outlives its row.
CREATE FUNCTION "email_blob_dropped"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO "email_loose_blobs" ("blob_id", "state", "since") VALUES (OLD."blob_id", 'dropped', now())
	ON CONFLICT ("blob_id") DO UPDATE SET "state" = 'dropped', "since" = excluded."since";
	RETURN OLD;
END
$$;--> statement-breakpoint
CREATE TRIGGER "inbound_email_raw_blob_dropped" AFTER DELETE ON "inbound_email_raw" FOR EACH ROW EXECUTE FUNCTION "email_blob_dropped"();--> statement-breakpoint
CREATE TRIGGER "email_attachments_blob_dropped" AFTER DELETE ON "email_attachments" FOR EACH ROW EXECUTE FUNCTION "email_blob_dropped"();
