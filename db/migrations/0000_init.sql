CREATE TABLE `auth_tokens` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`token_hash` text NOT NULL,
	`kind` text NOT NULL,
	`uid` text NOT NULL,
	`appid` integer NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`uid`) REFERENCES `users`(`uid`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `auth_tokens_hash_uq` ON `auth_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `auth_tokens_uid_idx` ON `auth_tokens` (`uid`);--> statement-breakpoint
CREATE TABLE `bound_files` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`owner_uid` text NOT NULL,
	`roomnum` integer DEFAULT 0 NOT NULL,
	`type` integer NOT NULL,
	`file_name` text NOT NULL,
	`url` text NOT NULL,
	`size` integer DEFAULT 0 NOT NULL,
	`mime` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bound_files_uq` ON `bound_files` (`owner_uid`,`roomnum`,`url`);--> statement-breakpoint
CREATE INDEX `bound_files_room_idx` ON `bound_files` (`roomnum`,`created_at`);--> statement-breakpoint
CREATE TABLE `course_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`roomnum` integer NOT NULL,
	`at` integer NOT NULL,
	`kind` text NOT NULL,
	`uid` text DEFAULT '' NOT NULL,
	`role` integer DEFAULT 0 NOT NULL,
	`detail` text DEFAULT '' NOT NULL,
	FOREIGN KEY (`roomnum`) REFERENCES `courses`(`roomnum`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `course_events_room_idx` ON `course_events` (`roomnum`,`id`);--> statement-breakpoint
CREATE TABLE `courses` (
	`roomnum` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`appid` integer NOT NULL,
	`host_uid` text NOT NULL,
	`title` text NOT NULL,
	`cover` text DEFAULT '' NOT NULL,
	`state` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`list_time` integer NOT NULL,
	`begin_time` integer DEFAULT 0 NOT NULL,
	`begin_imseq` integer DEFAULT 0 NOT NULL,
	`end_time` integer DEFAULT 0 NOT NULL,
	`end_imseq` integer DEFAULT 0 NOT NULL,
	`last_heartbeat` integer DEFAULT 0 NOT NULL,
	`last_rec_imseq` integer DEFAULT 0 NOT NULL,
	`playback_idx_url` text DEFAULT '' NOT NULL,
	`index_status` text DEFAULT 'none' NOT NULL,
	`index_due_at` integer DEFAULT 0 NOT NULL,
	`index_attempts` integer DEFAULT 0 NOT NULL,
	`index_error` text DEFAULT '' NOT NULL,
	`playback_published` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`host_uid`) REFERENCES `users`(`uid`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `courses_list_idx` ON `courses` (`appid`,`list_time`);--> statement-breakpoint
CREATE INDEX `courses_host_idx` ON `courses` (`host_uid`,`list_time`);--> statement-breakpoint
CREATE INDEX `courses_state_hb_idx` ON `courses` (`state`,`last_heartbeat`);--> statement-breakpoint
CREATE INDEX `courses_index_due_idx` ON `courses` (`index_status`,`index_due_at`);--> statement-breakpoint
CREATE TABLE `im_messages` (
	`group_id` text NOT NULL,
	`msg_seq` integer NOT NULL,
	`msg_time` integer NOT NULL,
	`from_account` text NOT NULL,
	`random` integer NOT NULL,
	`msg_body` text NOT NULL,
	PRIMARY KEY(`group_id`, `msg_seq`)
);
--> statement-breakpoint
CREATE TABLE `login_failures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`subject` text NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `login_failures_idx` ON `login_failures` (`subject`,`at`);--> statement-breakpoint
CREATE TABLE `members` (
	`roomnum` integer NOT NULL,
	`uid` text NOT NULL,
	`role` integer NOT NULL,
	`joined_at` integer NOT NULL,
	`last_heartbeat` integer NOT NULL,
	`exited_at` integer,
	PRIMARY KEY(`roomnum`, `uid`),
	FOREIGN KEY (`roomnum`) REFERENCES `courses`(`roomnum`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `members_hb_idx` ON `members` (`exited_at`,`last_heartbeat`);--> statement-breakpoint
CREATE TABLE `recordings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`roomnum` integer NOT NULL,
	`uid` text NOT NULL,
	`file_id` text NOT NULL,
	`video_id` text NOT NULL,
	`video_url` text NOT NULL,
	`start_time` integer NOT NULL,
	`end_time` integer NOT NULL,
	`media_start_time` integer NOT NULL,
	`file_size` integer NOT NULL,
	`duration` integer NOT NULL,
	`im_seq` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`roomnum`) REFERENCES `courses`(`roomnum`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `recordings_file_uq` ON `recordings` (`roomnum`,`file_id`);--> statement-breakpoint
CREATE INDEX `recordings_room_idx` ON `recordings` (`roomnum`,`start_time`);--> statement-breakpoint
CREATE TABLE `stored_objects` (
	`key` text PRIMARY KEY NOT NULL,
	`owner_uid` text DEFAULT '' NOT NULL,
	`size` integer NOT NULL,
	`mime` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `stored_objects_owner_idx` ON `stored_objects` (`owner_uid`);--> statement-breakpoint
CREATE TABLE `users` (
	`uid` text PRIMARY KEY NOT NULL,
	`pwd_hash` text NOT NULL,
	`role` integer NOT NULL,
	`created_at` integer NOT NULL
);
