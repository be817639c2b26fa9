import { Migration } from '@mikro-orm/migrations';

export class Migration20261122025717_initial extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create schema if not exists "assessments";`);
    this.addSql(`create table "assessments"."audit_outbox" ("id" uuid not null, "actor_id" uuid null, "api_key_id" uuid null, "action" text not null, "resource_type" text not null, "resource_id" text not null, "details" jsonb null, "request_id" text null, "created_at" timestamptz not null, "rejected_at" timestamptz null, constraint "audit_outbox_pkey" primary key ("id"));`);
    this.addSql(`create index "audit_outbox_created_at_index" on "assessments"."audit_outbox" ("created_at");`);

    this.addSql(`create table "assessments"."flashcard_reviews" ("id" uuid not null, "user_id" uuid not null, "card_id" uuid not null, "deck_id" uuid not null, "easiness" double precision not null, "interval_days" double precision not null, "repetitions" int not null, "due_at" timestamptz not null, "last_reviewed_at" timestamptz not null, constraint "flashcard_reviews_pkey" primary key ("id"));`);
    this.addSql(`create index "flashcard_reviews_user_id_deck_id_due_at_index" on "assessments"."flashcard_reviews" ("user_id", "deck_id", "due_at");`);
    this.addSql(`alter table "assessments"."flashcard_reviews" add constraint "flashcard_reviews_user_id_card_id_unique" unique ("user_id", "card_id");`);

    this.addSql(`create table "assessments"."lesson_completions" ("id" uuid not null, "user_id" uuid not null, "lesson_id" uuid not null, "course_id" uuid not null, "completed_at" timestamptz not null, constraint "lesson_completions_pkey" primary key ("id"));`);
    this.addSql(`create index "lesson_completions_user_id_course_id_index" on "assessments"."lesson_completions" ("user_id", "course_id");`);
    this.addSql(`alter table "assessments"."lesson_completions" add constraint "lesson_completions_user_id_lesson_id_unique" unique ("user_id", "lesson_id");`);

    this.addSql(`create table "assessments"."mock_tests" ("id" uuid not null, "title" text not null, "course_id" uuid null, "author_id" uuid not null, "duration_minutes" int not null, "negative_marking" double precision not null, "candidates" int not null, "status" text check ("status" in ('DRAFT', 'PUBLISHED')) not null default 'DRAFT', "published_at" timestamptz null, "created_at" timestamptz not null, constraint "mock_tests_pkey" primary key ("id"));`);
    this.addSql(`create index "mock_tests_course_id_index" on "assessments"."mock_tests" ("course_id");`);
    this.addSql(`create index "mock_tests_author_id_index" on "assessments"."mock_tests" ("author_id");`);
    this.addSql(`create index "mock_tests_status_created_at_id_index" on "assessments"."mock_tests" ("status", "created_at", "id");`);

    this.addSql(`create table "assessments"."attempts" ("id" uuid not null, "test_id" uuid not null, "user_id" uuid not null, "status" text check ("status" in ('IN_PROGRESS', 'SUBMITTED', 'EXPIRED')) not null default 'IN_PROGRESS', "started_at" timestamptz not null, "deadline" timestamptz not null, "submitted_at" timestamptz null, "score" double precision null, "max_score" double precision null, "correct_count" int null, "incorrect_count" int null, "unanswered_count" int null, "created_at" timestamptz not null, constraint "attempts_pkey" primary key ("id"));`);
    this.addSql(`create index "attempts_user_id_submitted_at_index" on "assessments"."attempts" ("user_id", "submitted_at");`);
    this.addSql(`create unique index "attempts_one_in_progress" on "assessments"."attempts" ("test_id", "user_id") where "status" = 'IN_PROGRESS';`);
    this.addSql(`create index "attempts_test_id_status_score_index" on "assessments"."attempts" ("test_id", "status", "score");`);

    this.addSql(`create table "assessments"."questions" ("id" uuid not null, "test_id" uuid not null, "position" int not null, "prompt" text not null, "options" text[] not null, "correct_option" int not null, "topic" text not null, "difficulty" text check ("difficulty" in ('EASY', 'MEDIUM', 'HARD')) not null, "marks" double precision not null, constraint "questions_pkey" primary key ("id"));`);
    this.addSql(`alter table "assessments"."questions" add constraint "questions_test_id_position_unique" unique ("test_id", "position");`);

    this.addSql(`create table "assessments"."answers" ("id" uuid not null, "attempt_id" uuid not null, "question_id" uuid not null, "choice" int null, "answered_at" timestamptz not null, constraint "answers_pkey" primary key ("id"));`);
    this.addSql(`alter table "assessments"."answers" add constraint "answers_attempt_id_question_id_unique" unique ("attempt_id", "question_id");`);

    this.addSql(`create table "assessments"."review_events" ("id" uuid not null, "user_id" uuid not null, "card_id" uuid not null, "grade" int not null, "reviewed_at" timestamptz not null, constraint "review_events_pkey" primary key ("id"));`);
    this.addSql(`create index "review_events_user_id_reviewed_at_index" on "assessments"."review_events" ("user_id", "reviewed_at");`);

    this.addSql(`create table "assessments"."study_sessions" ("id" uuid not null, "user_id" uuid not null, "course_id" uuid not null, "lesson_id" uuid null, "status" text check ("status" in ('ACTIVE', 'ENDED')) not null default 'ACTIVE', "started_at" timestamptz not null, "ended_at" timestamptz null, "last_activity_at" timestamptz not null, "progress_percent" double precision not null default 0, "focus_seconds" int not null default 0, constraint "study_sessions_pkey" primary key ("id"));`);
    this.addSql(`create index "study_sessions_course_id_index" on "assessments"."study_sessions" ("course_id");`);
    this.addSql(`create unique index "study_sessions_one_active" on "assessments"."study_sessions" ("user_id") where "status" = 'ACTIVE';`);
    this.addSql(`create index "study_sessions_user_id_started_at_index" on "assessments"."study_sessions" ("user_id", "started_at");`);
    this.addSql(`create index "study_sessions_status_last_activity_at_index" on "assessments"."study_sessions" ("status", "last_activity_at");`);

    this.addSql(`alter table "assessments"."attempts" add constraint "attempts_test_id_foreign" foreign key ("test_id") references "assessments"."mock_tests" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "assessments"."questions" add constraint "questions_test_id_foreign" foreign key ("test_id") references "assessments"."mock_tests" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "assessments"."answers" add constraint "answers_attempt_id_foreign" foreign key ("attempt_id") references "assessments"."attempts" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "assessments"."answers" add constraint "answers_question_id_foreign" foreign key ("question_id") references "assessments"."questions" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "assessments"."attempts" drop constraint "attempts_test_id_foreign";`);

    this.addSql(`alter table "assessments"."questions" drop constraint "questions_test_id_foreign";`);

    this.addSql(`alter table "assessments"."answers" drop constraint "answers_attempt_id_foreign";`);

    this.addSql(`alter table "assessments"."answers" drop constraint "answers_question_id_foreign";`);

    this.addSql(`drop table if exists "assessments"."audit_outbox" cascade;`);

    this.addSql(`drop table if exists "assessments"."flashcard_reviews" cascade;`);

    this.addSql(`drop table if exists "assessments"."lesson_completions" cascade;`);

    this.addSql(`drop table if exists "assessments"."mock_tests" cascade;`);

    this.addSql(`drop table if exists "assessments"."attempts" cascade;`);

    this.addSql(`drop table if exists "assessments"."questions" cascade;`);

    this.addSql(`drop table if exists "assessments"."answers" cascade;`);

    this.addSql(`drop table if exists "assessments"."review_events" cascade;`);

    this.addSql(`drop table if exists "assessments"."study_sessions" cascade;`);

    this.addSql(`drop schema if exists "assessments";`);
  }

}
