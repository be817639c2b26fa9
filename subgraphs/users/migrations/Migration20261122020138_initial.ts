import { Migration } from '@mikro-orm/migrations';

export class Migration20261122020138_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create schema if not exists "users";`);
    this.addSql(`create table "users"."audit_log" ("id" uuid not null, "actor_id" uuid null, "api_key_id" uuid null, "action" text not null, "resource_type" text not null, "resource_id" text not null, "details" jsonb null, "request_id" text null, "created_at" timestamptz not null, constraint "audit_log_pkey" primary key ("id"));`);
    this.addSql(`create index "audit_log_created_at_id_index" on "users"."audit_log" ("created_at", "id");`);

    this.addSql(`create table "users"."users" ("id" uuid not null, "email" text not null, "email_normalized" text not null, "password_hash" text not null, "display_name" text not null, "role" text check ("role" in ('STUDENT', 'INSTRUCTOR', 'MARKETER', 'ADMIN')) not null default 'STUDENT', "plan" text check ("plan" in ('FREE', 'PRO', 'TEAM')) not null default 'FREE', "timezone" text not null default 'UTC', "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "users_pkey" primary key ("id"));`);
    this.addSql(`alter table "users"."users" add constraint "users_email_normalized_unique" unique ("email_normalized");`);
    this.addSql(`create index "users_created_at_id_index" on "users"."users" ("created_at", "id");`);

    this.addSql(`create table "users"."sessions" ("id" uuid not null, "user_id" uuid not null, "created_at" timestamptz not null, "revoked_at" timestamptz null, "revoked_reason" text null, constraint "sessions_pkey" primary key ("id"));`);
    this.addSql(`create index "sessions_user_id_index" on "users"."sessions" ("user_id");`);

    this.addSql(`create table "users"."refresh_tokens" ("id" uuid not null, "session_id" uuid not null, "token_hash" text not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "rotated_at" timestamptz null, constraint "refresh_tokens_pkey" primary key ("id"));`);
    this.addSql(`create index "refresh_tokens_session_id_index" on "users"."refresh_tokens" ("session_id");`);
    this.addSql(`alter table "users"."refresh_tokens" add constraint "refresh_tokens_token_hash_unique" unique ("token_hash");`);

    this.addSql(`create table "users"."api_keys" ("id" uuid not null, "owner_id" uuid not null, "name" text not null, "secret_hash" text not null, "scopes" text[] not null, "created_at" timestamptz not null, "last_used_at" timestamptz null, "revoked_at" timestamptz null, constraint "api_keys_pkey" primary key ("id"));`);
    this.addSql(`create index "api_keys_owner_id_index" on "users"."api_keys" ("owner_id");`);

    this.addSql(`alter table "users"."sessions" add constraint "sessions_user_id_foreign" foreign key ("user_id") references "users"."users" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "users"."refresh_tokens" add constraint "refresh_tokens_session_id_foreign" foreign key ("session_id") references "users"."sessions" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "users"."api_keys" add constraint "api_keys_owner_id_foreign" foreign key ("owner_id") references "users"."users" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "users"."sessions" drop constraint "sessions_user_id_foreign";`);

    this.addSql(`alter table "users"."api_keys" drop constraint "api_keys_owner_id_foreign";`);

    this.addSql(`alter table "users"."refresh_tokens" drop constraint "refresh_tokens_session_id_foreign";`);

    this.addSql(`drop table if exists "users"."audit_log" cascade;`);

    this.addSql(`drop table if exists "users"."users" cascade;`);

    this.addSql(`drop table if exists "users"."sessions" cascade;`);

    this.addSql(`drop table if exists "users"."refresh_tokens" cascade;`);

    this.addSql(`drop table if exists "users"."api_keys" cascade;`);

    this.addSql(`drop schema if exists "users";`);
  }

}
