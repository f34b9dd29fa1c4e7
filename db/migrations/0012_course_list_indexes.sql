DROP INDEX `courses_list_idx`;--> statement-breakpoint
CREATE INDEX `courses_state_list_idx` ON `courses` (`appid`,`state`,`list_time`,`roomnum`);--> statement-breakpoint
CREATE INDEX `courses_host_list_idx` ON `courses` (`appid`,`host_uid`,`list_time`,`roomnum`);--> statement-breakpoint
CREATE INDEX `courses_host_state_list_idx` ON `courses` (`appid`,`host_uid`,`state`,`list_time`,`roomnum`);--> statement-breakpoint
CREATE INDEX `courses_list_idx` ON `courses` (`appid`,`list_time`,`roomnum`);