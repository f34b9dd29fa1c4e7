CREATE TABLE `course_counts` (
	`appid` integer NOT NULL,
	`host_uid` text NOT NULL,
	`state` integer NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`appid`, `host_uid`, `state`)
);
