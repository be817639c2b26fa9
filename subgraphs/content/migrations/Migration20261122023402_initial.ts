import { Migration } from '@mikro-orm/migrations';

export class Migration20261122023402_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create schema if not exists "content";`);
    this.addSql(`create table "content"."audit_outbox" ("id" uuid not null, "actor_id" uuid null, "api_key_id" uuid null, "action" text not null, "resource_type" text not null, "resource_id" text not null, "details" jsonb null, "request_id" text null, "created_at" timestamptz not null, constraint "audit_outbox_pkey" primary key ("id"));`);
    this.addSql(`create index "audit_outbox_created_at_index" on "content"."audit_outbox" ("created_at");`);

    this.addSql(`create table "content"."courses" ("id" uuid not null, "slug" text not null, "title" text not null, "description" text not null, "level" text check ("level" in ('BEGINNER', 'INTERMEDIATE', 'ADVANCED')) not null, "status" text check ("status" in ('DRAFT', 'PUBLISHED', 'ARCHIVED')) not null default 'DRAFT', "tags" text[] not null, "author_id" uuid not null, "cover_asset_id" uuid null, "published_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "search_vector" tsvector not null, constraint "courses_pkey" primary key ("id"));`);
    this.addSql(`alter table "content"."courses" add constraint "courses_slug_unique" unique ("slug");`);
    this.addSql(`create index "courses_author_id_index" on "content"."courses" ("author_id");`);
    this.addSql(`create index "courses_search_vector_index" on "content"."courses" using gin("search_vector");`);
    this.addSql(`create index "courses_status_created_at_id_index" on "content"."courses" ("status", "created_at", "id");`);

    this.addSql(`create table "content"."flashcard_decks" ("id" uuid not null, "title" text not null, "description" text null, "owner_id" uuid not null, "course_id" uuid null, "created_at" timestamptz not null, constraint "flashcard_decks_pkey" primary key ("id"));`);
    this.addSql(`create index "flashcard_decks_owner_id_index" on "content"."flashcard_decks" ("owner_id");`);

    this.addSql(`create table "content"."flashcards" ("id" uuid not null, "deck_id" uuid not null, "position" int not null, "front" text not null, "back" text not null, "media_asset_id" uuid null, "created_at" timestamptz not null, constraint "flashcards_pkey" primary key ("id"));`);
    this.addSql(`alter table "content"."flashcards" add constraint "flashcards_deck_id_position_unique" unique ("deck_id", "position");`);

    this.addSql(`create table "content"."lessons" ("id" uuid not null, "course_id" uuid not null, "position" int not null, "title" text not null, "body" text not null, "duration_minutes" int not null, "media_asset_ids" text[] not null, "created_at" timestamptz not null, "search_vector" tsvector not null, constraint "lessons_pkey" primary key ("id"));`);
    this.addSql(`create index "lessons_search_vector_index" on "content"."lessons" using gin("search_vector");`);
    this.addSql(`alter table "content"."lessons" add constraint "lessons_course_id_position_unique" unique ("course_id", "position");`);

    this.addSql(`create table "content"."media_assets" ("id" uuid not null, "owner_id" uuid not null, "key" text not null, "purpose" text check ("purpose" in ('AVATAR', 'COURSE_COVER', 'LESSON_MEDIA', 'MATERIAL', 'FLASHCARD_MEDIA', 'SOCIAL_MEDIA', 'LEAD_IMPORT')) not null, "filename" text not null, "content_type" text not null, "size_bytes" int not null, "status" text check ("status" in ('PENDING', 'READY', 'REJECTED')) not null default 'PENDING', "created_at" timestamptz not null, "completed_at" timestamptz null, constraint "media_assets_pkey" primary key ("id"));`);
    this.addSql(`create index "media_assets_owner_id_index" on "content"."media_assets" ("owner_id");`);
    this.addSql(`alter table "content"."media_assets" add constraint "media_assets_key_unique" unique ("key");`);
    this.addSql(`create index "media_assets_status_created_at_index" on "content"."media_assets" ("status", "created_at");`);

    this.addSql(`create table "content"."reading_materials" ("id" uuid not null, "title" text not null, "kind" text check ("kind" in ('ARTICLE', 'GK_DIGEST', 'TRAINING', 'TEMPLATE')) not null, "topic" text not null, "body" text not null, "attachment_asset_id" uuid null, "author_id" uuid not null, "published_at" timestamptz null, "created_at" timestamptz not null, "search_vector" tsvector not null, constraint "reading_materials_pkey" primary key ("id"));`);
    this.addSql(`create index "reading_materials_author_id_index" on "content"."reading_materials" ("author_id");`);
    this.addSql(`create index "reading_materials_search_vector_index" on "content"."reading_materials" using gin("search_vector");`);
    this.addSql(`create index "reading_materials_created_at_id_index" on "content"."reading_materials" ("created_at", "id");`);
    this.addSql(`create index "reading_materials_kind_topic_index" on "content"."reading_materials" ("kind", "topic");`);

    this.addSql(`alter table "content"."flashcard_decks" add constraint "flashcard_decks_course_id_foreign" foreign key ("course_id") references "content"."courses" ("id") on update cascade on delete set null;`);

    this.addSql(`alter table "content"."flashcards" add constraint "flashcards_deck_id_foreign" foreign key ("deck_id") references "content"."flashcard_decks" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "content"."lessons" add constraint "lessons_course_id_foreign" foreign key ("course_id") references "content"."courses" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "content"."flashcard_decks" drop constraint "flashcard_decks_course_id_foreign";`);

    this.addSql(`alter table "content"."lessons" drop constraint "lessons_course_id_foreign";`);

    this.addSql(`alter table "content"."flashcards" drop constraint "flashcards_deck_id_foreign";`);

    this.addSql(`drop table if exists "content"."audit_outbox" cascade;`);

    this.addSql(`drop table if exists "content"."courses" cascade;`);

    this.addSql(`drop table if exists "content"."flashcard_decks" cascade;`);

    this.addSql(`drop table if exists "content"."flashcards" cascade;`);

    this.addSql(`drop table if exists "content"."lessons" cascade;`);

    this.addSql(`drop table if exists "content"."media_assets" cascade;`);

    this.addSql(`drop table if exists "content"."reading_materials" cascade;`);

    this.addSql(`drop schema if exists "content";`);
  }

}
