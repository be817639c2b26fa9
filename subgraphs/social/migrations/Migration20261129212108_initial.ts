import { Migration } from '@mikro-orm/migrations';

export class Migration20261129212108_initial extends Migration {

  override name = 'Migration20261129212108_initial';

  override up(): void | Promise<void> {
    this.addSql(`create schema if not exists "social";`);
    this.addSql(`create table "social"."audit_outbox" ("id" uuid not null, "actor_id" uuid null, "api_key_id" uuid null, "action" text not null, "resource_type" text not null, "resource_id" text not null, "details" jsonb null, "request_id" text null, "created_at" timestamptz not null, "rejected_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "audit_outbox_created_at_index" on "social"."audit_outbox" ("created_at");`);

    this.addSql(`create table "social"."daily_engagement" ("account_id" uuid not null, "day" date not null, "posts" int not null, "interactions" bigint not null, "reach" bigint not null, "impressions" bigint not null, primary key ("account_id", "day"));`);

    this.addSql(`create table "social"."scheduled_posts" ("id" uuid not null, "account_id" uuid not null, "owner_id" uuid not null, "caption" text not null, "hashtags" text[] not null, "media_asset_id" uuid null, "promotes_course_id" uuid null, "scheduled_for" timestamptz not null, "status" text not null default 'SCHEDULED', "attempts" int not null default 0, "last_error" text null, "next_attempt_at" timestamptz not null, "container_id" text null, "published_media_id" text null, "published_at" timestamptz null, "claim_token" uuid null, "claimed_by" text null, "lease_until" timestamptz null, "slot_taken_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "scheduled_posts_publish_slots" on "social"."scheduled_posts" ("account_id", "slot_taken_at") where "slot_taken_at" is not null;`);
    this.addSql(`create index "scheduled_posts_due" on "social"."scheduled_posts" ("next_attempt_at") where "status" in ('SCHEDULED', 'PUBLISHING');`);
    this.addSql(`create index "scheduled_posts_account_id_scheduled_for_index" on "social"."scheduled_posts" ("account_id", "scheduled_for");`);

    this.addSql(`create table "social"."accounts" ("id" uuid not null, "owner_id" uuid not null, "platform" text not null, "handle" text not null, "platform_user_id" text not null, "token_sealed" text not null, "status" text not null default 'ACTIVE', "token_expires_at" timestamptz null, "followers_count" int not null default 0, "posts_count" int not null default 0, "last_synced_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create unique index "accounts_one_connection" on "social"."accounts" ("platform", "platform_user_id") where "status" <> 'DISCONNECTED';`);
    this.addSql(`create index "accounts_owner_id_created_at_index" on "social"."accounts" ("owner_id", "created_at");`);

    this.addSql(`create table "social"."posts" ("id" uuid not null, "account_id" uuid not null, "external_id" text not null, "caption" text null, "permalink" text null, "published_at" timestamptz not null, "likes" int not null, "comments" int not null, "saves" int not null, "shares" int not null, "reach" int not null, "impressions" int not null, "engagement_rate" double precision not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "posts_account_id_published_at_index" on "social"."posts" ("account_id", "published_at");`);
    this.addSql(`alter table "social"."posts" add constraint "posts_account_id_external_id_unique" unique ("account_id", "external_id");`);

    this.addSql(`alter table "social"."scheduled_posts" add constraint "scheduled_posts_status_check" check ("status" in ('SCHEDULED', 'PUBLISHING', 'PUBLISHED', 'FAILED', 'CANCELLED'));`);

    this.addSql(`alter table "social"."accounts" add constraint "accounts_platform_check" check ("platform" in ('INSTAGRAM'));`);
    this.addSql(`alter table "social"."accounts" add constraint "accounts_status_check" check ("status" in ('ACTIVE', 'DISCONNECTED', 'TOKEN_EXPIRED'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "social"."audit_outbox" cascade;`);
    this.addSql(`drop table if exists "social"."daily_engagement" cascade;`);
    this.addSql(`drop table if exists "social"."scheduled_posts" cascade;`);
    this.addSql(`drop table if exists "social"."accounts" cascade;`);
    this.addSql(`drop table if exists "social"."posts" cascade;`);

    this.addSql(`drop schema if exists "social";`);
  }

}
