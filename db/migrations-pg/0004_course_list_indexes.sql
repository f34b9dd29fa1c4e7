DROP INDEX "courses_list_idx";--> statement-breakpoint
CREATE INDEX "courses_state_list_idx" ON "courses" USING btree ("appid","state","list_time","roomnum");--> statement-breakpoint
CREATE INDEX "courses_host_list_idx" ON "courses" USING btree ("appid","host_uid","list_time","roomnum");--> statement-breakpoint
CREATE INDEX "courses_host_state_list_idx" ON "courses" USING btree ("appid","host_uid","state","list_time","roomnum");--> statement-breakpoint
CREATE INDEX "courses_list_idx" ON "courses" USING btree ("appid","list_time","roomnum");