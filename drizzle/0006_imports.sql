CREATE TABLE "import_jobs" (
	"id" serial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"actor_person_id" integer NOT NULL,
	"actor_name" text NOT NULL,
	"acting_org_id" integer NOT NULL,
	"scope_path" text NOT NULL,
	"target_org_id" integer NOT NULL,
	"mode" text NOT NULL,
	"file_name" text NOT NULL,
	"file" "bytea",
	"file_size" integer NOT NULL,
	"total_rows" integer DEFAULT 0 NOT NULL,
	"error_rows" integer DEFAULT 0 NOT NULL,
	"warning_rows" integer DEFAULT 0 NOT NULL,
	"progress" integer DEFAULT 0 NOT NULL,
	"message" text,
	"committed_rows" integer,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "import_jobs_status" CHECK ("import_jobs"."status" IN ('READING','VALIDATED','FAILED','COMMITTING','COMMITTED','EXPIRED'))
);
--> statement-breakpoint
CREATE TABLE "import_rows" (
	"job_id" integer NOT NULL,
	"row_no" integer NOT NULL,
	"label" text,
	"data" jsonb,
	"problems" jsonb NOT NULL,
	"has_error" boolean NOT NULL,
	CONSTRAINT "import_rows_job_id_row_no_pk" PRIMARY KEY("job_id","row_no")
);
--> statement-breakpoint
ALTER TABLE "import_rows" ADD CONSTRAINT "import_rows_job_id_import_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."import_jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "import_jobs_expires_idx" ON "import_jobs" USING btree ("expires_at");