CREATE TABLE `password_reset_codes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uid` text NOT NULL,
	`code_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`uid`) REFERENCES `users`(`uid`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `password_reset_codes_hash_uq` ON `password_reset_codes` (`code_hash`);--> statement-breakpoint
CREATE INDEX `password_reset_codes_uid_idx` ON `password_reset_codes` (`uid`);--> statement-breakpoint
ALTER TABLE `courses` ADD `planned_start` integer;--> statement-breakpoint
ALTER TABLE `courses` ADD `planned_minutes` integer;--> statement-breakpoint
CREATE INDEX `courses_planned_idx` ON `courses` (`host_uid`,`planned_start`);