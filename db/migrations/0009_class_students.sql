CREATE TABLE `class_students` (
	`teacher_uid` text NOT NULL,
	`student_uid` text NOT NULL,
	`added_at` integer NOT NULL,
	PRIMARY KEY(`teacher_uid`, `student_uid`),
	FOREIGN KEY (`teacher_uid`) REFERENCES `users`(`uid`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`student_uid`) REFERENCES `users`(`uid`) ON UPDATE no action ON DELETE cascade
);
