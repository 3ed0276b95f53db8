CREATE INDEX "members_political_scope_idx" ON "members" USING btree ("political_status","status","org_path");--> statement-breakpoint
CREATE INDEX "members_identity_scope_idx" ON "members" USING btree ("identity_status","status","org_path");--> statement-breakpoint
CREATE INDEX "members_profile_scope_idx" ON "members" USING btree ("profile_complete","status","org_path");