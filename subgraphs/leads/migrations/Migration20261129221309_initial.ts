import { Migration } from '@mikro-orm/migrations';

export class Migration20261129221309_initial extends Migration {

  override name = 'Migration20261129221309_initial';

  override up(): void | Promise<void> {
    this.addSql(`create schema if not exists "leads";`);
    this.addSql(`create table "leads"."audit_outbox" ("id" uuid not null, "actor_id" uuid null, "api_key_id" uuid null, "action" text not null, "resource_type" text not null, "resource_id" text not null, "details" jsonb null, "request_id" text null, "created_at" timestamptz not null, "rejected_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "audit_outbox_created_at_index" on "leads"."audit_outbox" ("created_at");`);

    this.addSql(`create table "leads"."campaigns" ("id" uuid not null, "owner_id" uuid not null, "name" text not null, "channel" text not null, "starts_at" timestamptz not null, "ends_at" timestamptz null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "campaigns_owner_id_starts_at_index" on "leads"."campaigns" ("owner_id", "starts_at");`);

    this.addSql(`create table "leads"."leads" ("id" uuid not null, "owner_id" uuid not null, "name" text not null, "email" text null, "title" text null, "company" text null, "location" text null, "linkedin_url" text null, "source" text null, "campaign_id" uuid null, "status" text not null default 'NEW', "score" int not null default 0, "converted_user_id" uuid null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "search_vector" tsvector not null, primary key ("id"));`);
    this.addSql(`create index "leads_search_vector_index" on "leads"."leads" using gin("search_vector");`);
    this.addSql(`create unique index "leads_owner_email" on "leads"."leads" ("owner_id", lower("email")) where "email" is not null;`);
    this.addSql(`create index "leads_owner_id_updated_at_index" on "leads"."leads" ("owner_id", "updated_at");`);
    this.addSql(`create index "leads_campaign_id_index" on "leads"."leads" ("campaign_id");`);
    this.addSql(`create index "leads_owner_id_name_id_index" on "leads"."leads" ("owner_id", "name", "id");`);
    this.addSql(`create index "leads_owner_id_created_at_id_index" on "leads"."leads" ("owner_id", "created_at", "id");`);
    this.addSql(`create index "leads_owner_id_score_id_index" on "leads"."leads" ("owner_id", "score", "id");`);

    this.addSql(`create table "leads"."lead_exports" ("id" uuid not null, "owner_id" uuid not null, "format" text not null, "filter" jsonb null, "status" text not null default 'PENDING', "record_count" int not null default 0, "object_key" text null, "error" text null, "attempts" int not null default 0, "claim_token" uuid null, "lease_until" timestamptz null, "started_at" timestamptz null, "finished_at" timestamptz null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "lead_exports_due" on "leads"."lead_exports" ("created_at") where "status" in ('PENDING', 'RUNNING');`);
    this.addSql(`create index "lead_exports_owner_id_created_at_index" on "leads"."lead_exports" ("owner_id", "created_at");`);

    this.addSql(`create table "leads"."lead_imports" ("id" uuid not null, "asset_id" uuid not null, "owner_id" uuid not null, "rows_processed" int not null default 0, "imported" int not null default 0, "updated" int not null default 0, "skipped" int not null default 0, "started_at" timestamptz not null, "finished_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "lead_imports_asset_id_started_at_index" on "leads"."lead_imports" ("asset_id", "started_at");`);

    this.addSql(`create table "leads"."lead_signals" ("lead_id" uuid not null, "name" text not null, "value" double precision not null, primary key ("lead_id", "name"));`);

    this.addSql(`create table "leads"."score_changes" ("id" uuid not null, "lead_id" uuid not null, "score" int not null, "at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "score_changes_lead_id_at_index" on "leads"."score_changes" ("lead_id", "at");`);

    this.addSql(`create table "leads"."scoring_weights" ("owner_id" uuid not null, "signal" text not null, "weight" double precision not null, primary key ("owner_id", "signal"));`);

    this.addSql(`create table "leads"."signups" ("id" uuid not null, "campaign_id" uuid not null, "email" text not null, "name" text null, "lead_id" uuid null, "user_id" uuid null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "signups_campaign_id_created_at_index" on "leads"."signups" ("campaign_id", "created_at");`);

    this.addSql(`alter table "leads"."leads" add constraint "leads_status_check" check ("status" in ('NEW', 'CONTACTED', 'QUALIFIED', 'CONVERTED', 'LOST'));`);

    this.addSql(`alter table "leads"."lead_exports" add constraint "lead_exports_format_check" check ("format" in ('CSV', 'JSON'));`);
    this.addSql(`alter table "leads"."lead_exports" add constraint "lead_exports_status_check" check ("status" in ('PENDING', 'RUNNING', 'READY', 'FAILED'));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "leads"."audit_outbox" cascade;`);
    this.addSql(`drop table if exists "leads"."campaigns" cascade;`);
    this.addSql(`drop table if exists "leads"."leads" cascade;`);
    this.addSql(`drop table if exists "leads"."lead_exports" cascade;`);
    this.addSql(`drop table if exists "leads"."lead_imports" cascade;`);
    this.addSql(`drop table if exists "leads"."lead_signals" cascade;`);
    this.addSql(`drop table if exists "leads"."score_changes" cascade;`);
    this.addSql(`drop table if exists "leads"."scoring_weights" cascade;`);
    this.addSql(`drop table if exists "leads"."signups" cascade;`);

    this.addSql(`drop schema if exists "leads";`);
  }

}
