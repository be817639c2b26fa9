import { Migration } from '@mikro-orm/migrations';

export class Migration20261129154029_email_ownership extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "users"."login_failures" ("email_normalized" text not null, "window_started_at" timestamptz not null, "failures" int not null, constraint "login_failures_pkey" primary key ("email_normalized"));`);
    this.addSql(`create index "login_failures_window_started_at_index" on "users"."login_failures" ("window_started_at");`);

    this.addSql(`create table "users"."mail_outbox" ("id" uuid not null, "purpose" text check ("purpose" in ('VERIFY_EMAIL', 'RESET_PASSWORD')) not null, "recipient" text not null, "created_at" timestamptz not null, "attempts" int not null default 0, "next_attempt_at" timestamptz not null, "last_error" text null, constraint "mail_outbox_pkey" primary key ("id"));`);
    this.addSql(`create index "mail_outbox_next_attempt_at_index" on "users"."mail_outbox" ("next_attempt_at");`);
    this.addSql(`alter table "users"."mail_outbox" add constraint "mail_outbox_purpose_recipient_unique" unique ("purpose", "recipient");`);

    this.addSql(`create table "users"."account_tokens" ("id" uuid not null, "user_id" uuid not null, "purpose" text check ("purpose" in ('VERIFY_EMAIL', 'RESET_PASSWORD')) not null, "token_hash" text not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_at" timestamptz null, constraint "account_tokens_pkey" primary key ("id"));`);
    this.addSql(`alter table "users"."account_tokens" add constraint "account_tokens_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "account_tokens_expires_at_index" on "users"."account_tokens" ("expires_at");`);
    this.addSql(`create index "account_tokens_user_id_purpose_created_at_index" on "users"."account_tokens" ("user_id", "purpose", "created_at");`);

    this.addSql(`alter table "users"."account_tokens" add constraint "account_tokens_user_id_foreign" foreign key ("user_id") references "users"."users" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "users"."users" add column "email_verified_at" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "users"."login_failures" cascade;`);

    this.addSql(`drop table if exists "users"."mail_outbox" cascade;`);

    this.addSql(`drop table if exists "users"."account_tokens" cascade;`);

    this.addSql(`alter table "users"."users" drop column "email_verified_at";`);
  }

}
