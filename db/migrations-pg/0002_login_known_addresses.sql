CREATE TABLE "login_known_addresses" (
	"uid" text NOT NULL,
	"ip" text NOT NULL,
	"last_success_at" bigint NOT NULL,
	CONSTRAINT "login_known_addresses_uid_ip_pk" PRIMARY KEY("uid","ip")
);
--> statement-breakpoint
ALTER TABLE "login_known_addresses" ADD CONSTRAINT "login_known_addresses_uid_users_uid_fk" FOREIGN KEY ("uid") REFERENCES "public"."users"("uid") ON DELETE cascade ON UPDATE no action;