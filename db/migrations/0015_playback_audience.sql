ALTER TABLE `courses` ADD `playback_audience` text DEFAULT 'attendees' NOT NULL;--> statement-breakpoint
CREATE INDEX `class_students_student_idx` ON `class_students` (`student_uid`);