import { Migration } from '@mikro-orm/migrations';

export class Migration20261129211622_initial extends Migration {

  override name = 'Migration20261129211622_initial';

  override up(): void | Promise<void> {
    this.addSql(`create schema if not exists "social";`);
    this.addSql(`create table "social"."items" ("id" uuid not null, "title" text not null, "owner_id" uuid not null, "created_at" timestamptz not null, constraint "items_pkey" primary key ("id"));`);
    this.addSql(`create index "items_owner_id_created_at_index" on "social"."items" ("owner_id", "created_at");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "social"."items" cascade;`);
  }

}
