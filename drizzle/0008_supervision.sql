CREATE TABLE "archived_members" (
	"id" serial PRIMARY KEY NOT NULL,
	"member_id" integer NOT NULL,
	"report_id" integer NOT NULL,
	"branch_id" integer NOT NULL,
	"org_path" text COLLATE "C" NOT NULL,
	"name" text NOT NULL,
	"id_number_masked" varchar(18) NOT NULL,
	"snapshot" jsonb NOT NULL,
	"person_deleted" boolean NOT NULL,
	"archived_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "branch_stats" (
	"branch_id" integer PRIMARY KEY NOT NULL,
	"active" integer DEFAULT 0 NOT NULL,
	"complete" integer DEFAULT 0 NOT NULL,
	"since_2017" integer DEFAULT 0 NOT NULL,
	"since_2019" integer DEFAULT 0 NOT NULL,
	"late_2019" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dev_number_ranges" (
	"id" serial PRIMARY KEY NOT NULL,
	"issuer_org_id" integer NOT NULL,
	"recipient_org_id" integer NOT NULL,
	"recipient_path" text COLLATE "C" NOT NULL,
	"start_number" char(12) NOT NULL,
	"end_number" char(12) NOT NULL,
	"size" integer NOT NULL,
	"issued_by" integer NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	CONSTRAINT "dev_number_ranges_order" CHECK ("dev_number_ranges"."start_number" <= "dev_number_ranges"."end_number")
);
--> statement-breakpoint
CREATE TABLE "dev_number_voids" (
	"number" char(12) PRIMARY KEY NOT NULL,
	"org_id" integer NOT NULL,
	"org_path" text COLLATE "C" NOT NULL,
	"reason" varchar(32) NOT NULL,
	"note" text,
	"registered_by" integer NOT NULL,
	"registered_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "edu_counts" (
	"org_id" integer NOT NULL,
	"year" smallint NOT NULL,
	"schools" integer NOT NULL,
	"grad_classes" integer NOT NULL,
	"students" integer NOT NULL,
	"student_members" integer NOT NULL,
	"graduating_students" integer DEFAULT 0 NOT NULL,
	"league_snapshot" jsonb NOT NULL,
	"explanation" text,
	"entered_by" integer NOT NULL,
	"entered_at" timestamp with time zone NOT NULL,
	CONSTRAINT "edu_counts_org_id_year_pk" PRIMARY KEY("org_id","year")
);
--> statement-breakpoint
CREATE TABLE "league_census" (
	"org_id" integer NOT NULL,
	"year" smallint NOT NULL,
	"count" integer NOT NULL,
	"entered_by_org_id" integer NOT NULL,
	"entered_by" integer NOT NULL,
	"entered_at" timestamp with time zone NOT NULL,
	CONSTRAINT "league_census_org_id_year_pk" PRIMARY KEY("org_id","year"),
	CONSTRAINT "league_census_count_nonneg" CHECK ("league_census"."count" >= 0)
);
--> statement-breakpoint
CREATE TABLE "org_rollups" (
	"org_id" integer PRIMARY KEY NOT NULL,
	"members_active" integer DEFAULT 0 NOT NULL,
	"members_complete" integer DEFAULT 0 NOT NULL,
	"members_since_2017" integer DEFAULT 0 NOT NULL,
	"members_since_2019" integer DEFAULT 0 NOT NULL,
	"members_late_2019" integer DEFAULT 0 NOT NULL,
	"branches" integer DEFAULT 0 NOT NULL,
	"branches_entered" integer DEFAULT 0 NOT NULL,
	"school_branches" integer DEFAULT 0 NOT NULL,
	"school_branches_marked" integer DEFAULT 0 NOT NULL,
	"school_members" integer DEFAULT 0 NOT NULL,
	"schools" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "upward_report_steps" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"report_id" integer NOT NULL,
	"org_id" integer NOT NULL,
	"action" varchar(16) NOT NULL,
	"actor_person_id" integer NOT NULL,
	"actor_name" text NOT NULL,
	"note" text,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "upward_reports" (
	"id" serial PRIMARY KEY NOT NULL,
	"type" varchar(24) NOT NULL,
	"status" varchar(16) NOT NULL,
	"origin_org_id" integer NOT NULL,
	"origin_path" text COLLATE "C" NOT NULL,
	"current_org_id" integer NOT NULL,
	"subject_label" text NOT NULL,
	"payload" jsonb NOT NULL,
	"outcome" text,
	"created_by" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "archived_members" ADD CONSTRAINT "archived_members_report_id_upward_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."upward_reports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dev_number_ranges" ADD CONSTRAINT "dev_number_ranges_issuer_org_id_orgs_id_fk" FOREIGN KEY ("issuer_org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dev_number_ranges" ADD CONSTRAINT "dev_number_ranges_recipient_org_id_orgs_id_fk" FOREIGN KEY ("recipient_org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dev_number_voids" ADD CONSTRAINT "dev_number_voids_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "edu_counts" ADD CONSTRAINT "edu_counts_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "league_census" ADD CONSTRAINT "league_census_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "league_census" ADD CONSTRAINT "league_census_entered_by_org_id_orgs_id_fk" FOREIGN KEY ("entered_by_org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "upward_report_steps" ADD CONSTRAINT "upward_report_steps_report_id_upward_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."upward_reports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "upward_report_steps" ADD CONSTRAINT "upward_report_steps_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "upward_reports" ADD CONSTRAINT "upward_reports_origin_org_id_orgs_id_fk" FOREIGN KEY ("origin_org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "upward_reports" ADD CONSTRAINT "upward_reports_current_org_id_orgs_id_fk" FOREIGN KEY ("current_org_id") REFERENCES "public"."orgs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "dev_number_ranges_recipient_idx" ON "dev_number_ranges" USING btree ("recipient_org_id");--> statement-breakpoint
CREATE INDEX "dev_number_ranges_issuer_idx" ON "dev_number_ranges" USING btree ("issuer_org_id");--> statement-breakpoint
CREATE INDEX "dev_number_ranges_path_idx" ON "dev_number_ranges" USING btree ("recipient_path");--> statement-breakpoint
CREATE INDEX "dev_number_voids_path_idx" ON "dev_number_voids" USING btree ("org_path");--> statement-breakpoint
CREATE INDEX "upward_report_steps_report_idx" ON "upward_report_steps" USING btree ("report_id");--> statement-breakpoint
CREATE INDEX "upward_reports_current_idx" ON "upward_reports" USING btree ("current_org_id","status");--> statement-breakpoint
CREATE INDEX "upward_reports_origin_idx" ON "upward_reports" USING btree ("origin_path");