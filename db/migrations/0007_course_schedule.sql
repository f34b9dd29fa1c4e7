ALTER TABLE `courses` ADD `planned_start` integer;--> statement-breakpoint
ALTER TABLE `courses` ADD `planned_minutes` integer;--> statement-breakpoint
CREATE INDEX `courses_planned_idx` ON `courses` (`host_uid`,`planned_start`);