CREATE TYPE "public"."transfer_node_kind" AS ENUM('SENDING', 'PROVINCIAL_REVIEW', 'SCHOOL_APPROVAL', 'RECEIVING', 'ALLOCATION');--> statement-breakpoint
CREATE TYPE "public"."transfer_node_state" AS ENUM('WAITING', 'PENDING', 'APPROVED', 'AUTO_APPROVED', 'ALLOCATED', 'REJECTED', 'CANCELLED');--> statement-breakpoint
CREATE TYPE "public"."transfer_reason" AS ENUM('FURTHER_STUDY', 'EMPLOYED_WITH_ORG', 'EMPLOYED_NO_ORG', 'ABROAD_OFFICIAL', 'ABROAD_STUDY', 'ABROAD_PRIVATE', 'UNEMPLOYED', 'SPECIAL_UNIT', 'WORK_CHANGE', 'RESIDENCE_CHANGE', 'STUDY_CHANGE', 'OTHER');--> statement-breakpoint
CREATE TYPE "public"."transfer_starter_side" AS ENUM('SENDING', 'RECEIVING', 'MEMBER');--> statement-breakpoint
CREATE TYPE "public"."transfer_status" AS ENUM('OPEN', 'COMPLETED', 'REJECTED', 'CANCELLED');--> statement-breakpoint
CREATE TYPE "public"."transfer_target_scope" AS ENUM('NATIONAL', 'BEIJING', 'GUANGDONG', 'FUJIAN');--> statement-breakpoint
CREATE TYPE "public"."transfer_timeout_action" AS ENUM('AUTO_APPROVE', 'NONE');--> statement-breakpoint
CREATE TABLE "transfer_letters" (
	"id" serial PRIMARY KEY NOT NULL,
	"org_id" integer NOT NULL,
	"org_path" text COLLATE "C" NOT NULL,
	"year" integer NOT NULL,
	"serial" integer NOT NULL,
	"transfer_ids" jsonb NOT NULL,
	"member_names" jsonb NOT NULL,
	"to_name" text NOT NULL,
	"fee_paid_until" char(7) NOT NULL,
	"valid_days" integer NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"issued_by_person_id" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "transfer_nodes" (
	"id" serial PRIMARY KEY NOT NULL,
	"transfer_id" integer NOT NULL,
	"seq" integer NOT NULL,
	"kind" "transfer_node_kind" NOT NULL,
	"org_id" integer NOT NULL,
	"state" "transfer_node_state" NOT NULL,
	"timeout_action" "transfer_timeout_action" NOT NULL,
	"opened_at" timestamp with time zone,
	"due_at" timestamp with time zone,
	"reminded_at" timestamp with time zone,
	"decided_at" timestamp with time zone,
	"decided_by_person_id" integer,
	"decided_by_name" text,
	"decided_by_org_id" integer,
	"note" text,
	"allocated_branch_id" integer,
	CONSTRAINT "transfer_nodes_pending_has_due" CHECK ("transfer_nodes"."state" <> 'PENDING' OR ("transfer_nodes"."opened_at" IS NOT NULL AND "transfer_nodes"."due_at" IS NOT NULL))
);
--> statement-breakpoint
CREATE TABLE "transfer_notices" (
	"id" serial PRIMARY KEY NOT NULL,
	"org_id" integer NOT NULL,
	"transfer_id" integer NOT NULL,
	"node_id" integer,
	"kind" varchar(24) NOT NULL,
	"message" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "transfer_special_pools" (
	"province_org_id" integer PRIMARY KEY NOT NULL,
	"branch_id" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "transfers" (
	"id" serial PRIMARY KEY NOT NULL,
	"member_id" integer NOT NULL,
	"member_name" text NOT NULL,
	"from_branch_id" integer NOT NULL,
	"from_path" text COLLATE "C" NOT NULL,
	"to_org_id" integer,
	"to_path" text COLLATE "C",
	"reason" "transfer_reason" NOT NULL,
	"school_to_society" boolean NOT NULL,
	"target_scope" "transfer_target_scope" DEFAULT 'NATIONAL' NOT NULL,
	"fields" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"remark" text,
	"starter_side" "transfer_starter_side" NOT NULL,
	"started_by_person_id" integer NOT NULL,
	"started_by_name" text NOT NULL,
	"started_by_org_id" integer,
	"status" "transfer_status" DEFAULT 'OPEN' NOT NULL,
	"final_branch_id" integer,
	"created_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"end_note" text,
	CONSTRAINT "transfers_ended_iff_closed" CHECK (("transfers"."status" = 'OPEN') = ("transfers"."ended_at" IS NULL))
);
--> statement-breakpoint
ALTER TABLE "transfer_letters" ADD CONSTRAINT "transfer_letters_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfer_letters" ADD CONSTRAINT "transfer_letters_issued_by_person_id_persons_id_fk" FOREIGN KEY ("issued_by_person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfer_nodes" ADD CONSTRAINT "transfer_nodes_transfer_id_transfers_id_fk" FOREIGN KEY ("transfer_id") REFERENCES "public"."transfers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfer_nodes" ADD CONSTRAINT "transfer_nodes_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfer_nodes" ADD CONSTRAINT "transfer_nodes_decided_by_person_id_persons_id_fk" FOREIGN KEY ("decided_by_person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfer_nodes" ADD CONSTRAINT "transfer_nodes_decided_by_org_id_orgs_id_fk" FOREIGN KEY ("decided_by_org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfer_nodes" ADD CONSTRAINT "transfer_nodes_allocated_branch_id_orgs_id_fk" FOREIGN KEY ("allocated_branch_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfer_notices" ADD CONSTRAINT "transfer_notices_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfer_notices" ADD CONSTRAINT "transfer_notices_transfer_id_transfers_id_fk" FOREIGN KEY ("transfer_id") REFERENCES "public"."transfers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfer_notices" ADD CONSTRAINT "transfer_notices_node_id_transfer_nodes_id_fk" FOREIGN KEY ("node_id") REFERENCES "public"."transfer_nodes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfer_special_pools" ADD CONSTRAINT "transfer_special_pools_province_org_id_orgs_id_fk" FOREIGN KEY ("province_org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfer_special_pools" ADD CONSTRAINT "transfer_special_pools_branch_id_orgs_id_fk" FOREIGN KEY ("branch_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfers" ADD CONSTRAINT "transfers_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfers" ADD CONSTRAINT "transfers_from_branch_id_orgs_id_fk" FOREIGN KEY ("from_branch_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfers" ADD CONSTRAINT "transfers_to_org_id_orgs_id_fk" FOREIGN KEY ("to_org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfers" ADD CONSTRAINT "transfers_started_by_person_id_persons_id_fk" FOREIGN KEY ("started_by_person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfers" ADD CONSTRAINT "transfers_started_by_org_id_orgs_id_fk" FOREIGN KEY ("started_by_org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfers" ADD CONSTRAINT "transfers_final_branch_id_orgs_id_fk" FOREIGN KEY ("final_branch_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "transfer_letters_number_key" ON "transfer_letters" USING btree ("org_id","year","serial");--> statement-breakpoint
CREATE UNIQUE INDEX "transfer_nodes_seq_key" ON "transfer_nodes" USING btree ("transfer_id","seq");--> statement-breakpoint
CREATE INDEX "transfer_nodes_pending_org_idx" ON "transfer_nodes" USING btree ("org_id","due_at") WHERE "transfer_nodes"."state" = 'PENDING';--> statement-breakpoint
CREATE INDEX "transfer_nodes_pending_due_idx" ON "transfer_nodes" USING btree ("due_at") WHERE "transfer_nodes"."state" = 'PENDING';--> statement-breakpoint
CREATE INDEX "transfer_notices_org_idx" ON "transfer_notices" USING btree ("org_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "transfer_notices_node_kind_key" ON "transfer_notices" USING btree ("node_id","kind") WHERE "transfer_notices"."node_id" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "transfers_one_open_key" ON "transfers" USING btree ("member_id") WHERE "transfers"."status" = 'OPEN';--> statement-breakpoint
CREATE INDEX "transfers_from_path_idx" ON "transfers" USING btree ("from_path","id");--> statement-breakpoint
CREATE INDEX "transfers_to_path_idx" ON "transfers" USING btree ("to_path","id");--> statement-breakpoint
CREATE INDEX "transfers_member_idx" ON "transfers" USING btree ("member_id","id");