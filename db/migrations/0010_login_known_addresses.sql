CREATE TABLE `login_known_addresses` (
	`uid` text NOT NULL,
	`ip` text NOT NULL,
	`last_success_at` integer NOT NULL,
	PRIMARY KEY(`uid`, `ip`),
	FOREIGN KEY (`uid`) REFERENCES `users`(`uid`) ON UPDATE no action ON DELETE cascade
);
