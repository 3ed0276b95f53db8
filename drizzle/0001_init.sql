CREATE TYPE "public"."audit_result" AS ENUM('OK', 'DENIED', 'FAILED');--> statement-breakpoint
CREATE TYPE "public"."cadre_nature" AS ENUM('FULL_TIME', 'SECONDED', 'PART_TIME');--> statement-breakpoint
CREATE TYPE "public"."gender" AS ENUM('MALE', 'FEMALE');--> statement-breakpoint
CREATE TYPE "public"."graduate_status" AS ENUM('GRADUATE', 'DELAYED', 'TEACHER');--> statement-breakpoint
CREATE TYPE "public"."graduation_exempt_reason" AS ENUM('TEACHERS', 'MIXED');--> statement-breakpoint
CREATE TYPE "public"."identity_evidence" AS ENUM('APPLICATION_FORM', 'MEMBER_CARD', 'INTRODUCTION_LETTER');--> statement-breakpoint
CREATE TYPE "public"."identity_status" AS ENUM('VERIFIED', 'NEEDS_RECTIFICATION');--> statement-breakpoint
CREATE TYPE "public"."industry_category" AS ENUM('GOVERNMENT', 'PUBLIC_INSTITUTION', 'HIGHER_EDUCATION', 'VOCATIONAL_SCHOOL', 'HIGH_SCHOOL', 'MIDDLE_SCHOOL', 'PRIMARY_SCHOOL', 'STATE_ENTERPRISE', 'COLLECTIVE_ENTERPRISE', 'PRIVATE_ENTERPRISE', 'SOCIAL_ORGANIZATION', 'MILITARY', 'ARMED_POLICE', 'URBAN_COMMUNITY', 'RURAL', 'OTHER');--> statement-breakpoint
CREATE TYPE "public"."leadership_level" AS ENUM('NATIONAL', 'PROVINCIAL', 'CITY', 'COUNTY');--> statement-breakpoint
CREATE TYPE "public"."leave_reason" AS ENUM('AGE_28', 'VOLUNTARY', 'LAPSED', 'EXPELLED', 'OTHER');--> statement-breakpoint
CREATE TYPE "public"."member_status" AS ENUM('ACTIVE', 'LEFT');--> statement-breakpoint
CREATE TYPE "public"."membership_end_reason" AS ENUM('TRANSFER', 'LEFT', 'REASSIGN', 'DELETED');--> statement-breakpoint
CREATE TYPE "public"."membership_start_reason" AS ENUM('ENTRY', 'TRANSFER', 'RESTORE', 'REASSIGN');--> statement-breakpoint
CREATE TYPE "public"."org_category" AS ENUM('NORMAL', 'GRADUATE');--> statement-breakpoint
CREATE TYPE "public"."org_kind" AS ENUM('LEADERSHIP', 'COMMITTEE', 'WORK_COMMITTEE', 'GENERAL_BRANCH', 'BRANCH');--> statement-breakpoint
CREATE TYPE "public"."political_status" AS ENUM('LEAGUE_MEMBER', 'PARTY_PROBATIONARY', 'PARTY_MEMBER');--> statement-breakpoint
CREATE TYPE "public"."special_kind" AS ENUM('TRANSITION', 'MOBILE_GRADUATES', 'ABROAD_STUDY', 'DELAYED');--> statement-breakpoint
CREATE TABLE "accounts" (
	"person_id" integer PRIMARY KEY NOT NULL,
	"password_hash" text,
	"must_change_password" boolean DEFAULT true NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"password_changed_at" timestamp with time zone,
	"last_login_at" timestamp with time zone,
	"disabled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "admin_grants" (
	"id" serial PRIMARY KEY NOT NULL,
	"person_id" integer NOT NULL,
	"org_id" integer NOT NULL,
	"granted_by" integer,
	"granted_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_by" integer
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_person_id" integer,
	"actor_name" text,
	"acting_org_id" integer,
	"action" varchar(64) NOT NULL,
	"object_type" varchar(32),
	"object_id" varchar(64),
	"object_label" text,
	"org_path" text COLLATE "C",
	"changes" jsonb,
	"result" "audit_result" NOT NULL,
	"reason" text,
	"ip" varchar(64),
	"request_id" varchar(64)
);
--> statement-breakpoint
CREATE TABLE "cadre_positions" (
	"id" serial PRIMARY KEY NOT NULL,
	"person_id" integer NOT NULL,
	"org_id" integer NOT NULL,
	"position" varchar(32) NOT NULL,
	"nature" "cadre_nature",
	"started_at" date NOT NULL,
	"ended_at" date,
	"end_note" text,
	"previous_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "login_guards" (
	"key" varchar(96) PRIMARY KEY NOT NULL,
	"failures" integer NOT NULL,
	"window_started_at" timestamp with time zone NOT NULL,
	"locked_until" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "members" (
	"id" serial PRIMARY KEY NOT NULL,
	"person_id" integer NOT NULL,
	"status" "member_status" DEFAULT 'ACTIVE' NOT NULL,
	"branch_id" integer NOT NULL,
	"org_path" text COLLATE "C" NOT NULL,
	"ethnicity" varchar(16) NOT NULL,
	"political_status" "political_status" NOT NULL,
	"joined_league_at" char(7) NOT NULL,
	"admitted_at" date,
	"development_number" varchar(32),
	"developed_by_org_id" integer,
	"identity_evidence" "identity_evidence",
	"identity_status" "identity_status" NOT NULL,
	"identity_issues" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"is_cadre" boolean DEFAULT false NOT NULL,
	"league_position" varchar(32),
	"education" varchar(32),
	"highest_education" varchar(32),
	"occupation" varchar(32),
	"work_unit" text,
	"hukou_address" text,
	"residence_address" text,
	"graduate_status" "graduate_status",
	"graduation_at" char(7),
	"destination_unit" text,
	"destination_address" text,
	"destination_region_code" varchar(12),
	"parents_address" text,
	"profile_complete" boolean DEFAULT false NOT NULL,
	"left_at" timestamp with time zone,
	"leave_reason" "leave_reason",
	"leave_note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "members_left_has_reason" CHECK (("members"."status" = 'LEFT') = ("members"."leave_reason" IS NOT NULL)),
	CONSTRAINT "members_joined_format" CHECK ("members"."joined_league_at" ~ '^[0-9]{4}-(0[1-9]|1[0-2])$')
);
--> statement-breakpoint
CREATE TABLE "memberships" (
	"id" serial PRIMARY KEY NOT NULL,
	"member_id" integer NOT NULL,
	"branch_id" integer NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"start_reason" "membership_start_reason" NOT NULL,
	"ended_at" timestamp with time zone,
	"end_reason" "membership_end_reason",
	"note" text,
	CONSTRAINT "memberships_end_has_reason" CHECK (("memberships"."ended_at" IS NULL) = ("memberships"."end_reason" IS NULL))
);
--> statement-breakpoint
CREATE TABLE "orgs" (
	"id" serial PRIMARY KEY NOT NULL,
	"parent_id" integer,
	"path" text COLLATE "C" NOT NULL,
	"depth" integer NOT NULL,
	"name" text NOT NULL,
	"full_name" text NOT NULL,
	"kind" "org_kind" NOT NULL,
	"leadership_level" "leadership_level",
	"special_kind" "special_kind",
	"category" "org_category" DEFAULT 'NORMAL' NOT NULL,
	"industry_category" "industry_category" NOT NULL,
	"region_code" varchar(12),
	"is_township" boolean,
	"school_code" varchar(32),
	"graduation_at" char(7),
	"graduation_exempt_reason" "graduation_exempt_reason",
	"contact_phone" varchar(32),
	"email" varchar(128),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "orgs_level_iff_leadership" CHECK (("orgs"."kind" = 'LEADERSHIP') = ("orgs"."leadership_level" IS NOT NULL)),
	CONSTRAINT "orgs_special_kind_branch_only" CHECK ("orgs"."special_kind" IS NULL OR "orgs"."kind" = 'BRANCH'),
	CONSTRAINT "orgs_graduation_xor_reason" CHECK ("orgs"."graduation_at" IS NULL OR "orgs"."graduation_exempt_reason" IS NULL),
	CONSTRAINT "orgs_graduation_at_format" CHECK ("orgs"."graduation_at" IS NULL OR "orgs"."graduation_at" ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
	CONSTRAINT "orgs_root_has_no_parent" CHECK (("orgs"."parent_id" IS NULL) = ("orgs"."depth" = 0))
);
--> statement-breakpoint
CREATE TABLE "persons" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"id_number_enc" "bytea" NOT NULL,
	"id_number_idx" "bytea" NOT NULL,
	"id_number_masked" varchar(18) NOT NULL,
	"gender" "gender" NOT NULL,
	"birth_date" date NOT NULL,
	"phone_enc" "bytea",
	"phone_idx" "bytea",
	"phone_masked" varchar(16),
	"email" varchar(128),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" varchar(64) PRIMARY KEY NOT NULL,
	"person_id" integer NOT NULL,
	"csrf_token" varchar(64) NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"ip" varchar(64)
);
--> statement-breakpoint
CREATE TABLE "system_settings" (
	"key" varchar(64) PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "admin_grants" ADD CONSTRAINT "admin_grants_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "admin_grants" ADD CONSTRAINT "admin_grants_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "admin_grants" ADD CONSTRAINT "admin_grants_granted_by_persons_id_fk" FOREIGN KEY ("granted_by") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "admin_grants" ADD CONSTRAINT "admin_grants_revoked_by_persons_id_fk" FOREIGN KEY ("revoked_by") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cadre_positions" ADD CONSTRAINT "cadre_positions_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cadre_positions" ADD CONSTRAINT "cadre_positions_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "members" ADD CONSTRAINT "members_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "members" ADD CONSTRAINT "members_branch_id_orgs_id_fk" FOREIGN KEY ("branch_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "members" ADD CONSTRAINT "members_developed_by_org_id_orgs_id_fk" FOREIGN KEY ("developed_by_org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_branch_id_orgs_id_fk" FOREIGN KEY ("branch_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orgs" ADD CONSTRAINT "orgs_parent_id_orgs_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_person_id_persons_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."persons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "admin_grants_one_active_key" ON "admin_grants" USING btree ("person_id","org_id") WHERE "admin_grants"."revoked_at" IS NULL;--> statement-breakpoint
CREATE INDEX "admin_grants_org_idx" ON "admin_grants" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "audit_log_org_path_idx" ON "audit_log" USING btree ("org_path","id");--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "cadre_positions_one_active_key" ON "cadre_positions" USING btree ("person_id","org_id") WHERE "cadre_positions"."ended_at" IS NULL;--> statement-breakpoint
CREATE INDEX "cadre_positions_org_idx" ON "cadre_positions" USING btree ("org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "members_person_key" ON "members" USING btree ("person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "members_development_number_key" ON "members" USING btree ("development_number");--> statement-breakpoint
CREATE INDEX "members_org_path_idx" ON "members" USING btree ("org_path","id");--> statement-breakpoint
CREATE INDEX "members_branch_idx" ON "members" USING btree ("branch_id");--> statement-breakpoint
CREATE UNIQUE INDEX "memberships_one_open_key" ON "memberships" USING btree ("member_id") WHERE "memberships"."ended_at" IS NULL;--> statement-breakpoint
CREATE INDEX "memberships_member_idx" ON "memberships" USING btree ("member_id","started_at");--> statement-breakpoint
CREATE INDEX "memberships_branch_idx" ON "memberships" USING btree ("branch_id");--> statement-breakpoint
CREATE UNIQUE INDEX "orgs_path_key" ON "orgs" USING btree ("path");--> statement-breakpoint
CREATE INDEX "orgs_parent_idx" ON "orgs" USING btree ("parent_id") WHERE "orgs"."deleted_at" IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "orgs_sibling_name_key" ON "orgs" USING btree ("parent_id","name") WHERE "orgs"."deleted_at" IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "orgs_sibling_full_name_key" ON "orgs" USING btree ("parent_id","full_name") WHERE "orgs"."deleted_at" IS NULL;--> statement-breakpoint
CREATE INDEX "orgs_name_trgm_idx" ON "orgs" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "orgs_full_name_trgm_idx" ON "orgs" USING gin ("full_name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "orgs_region_idx" ON "orgs" USING btree ("region_code");--> statement-breakpoint
CREATE UNIQUE INDEX "persons_id_number_key" ON "persons" USING btree ("id_number_idx");--> statement-breakpoint
CREATE UNIQUE INDEX "persons_phone_key" ON "persons" USING btree ("phone_idx");--> statement-breakpoint
CREATE INDEX "persons_name_idx" ON "persons" USING btree ("name" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "sessions_person_idx" ON "sessions" USING btree ("person_id") WHERE "sessions"."revoked_at" IS NULL;