CREATE TABLE `callback_nonces` (
	`sign_t` text PRIMARY KEY NOT NULL,
	`body_hash` text NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `callback_nonces_expires_idx` ON `callback_nonces` (`expires_at`);