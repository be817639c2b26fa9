import { Migration } from '@mikro-orm/migrations';

export class Migration20261130001500_api_key_limits extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "users"."api_keys" add column "trusted_documents_only" boolean not null default false, add column "variant" text null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "users"."api_keys" drop column "trusted_documents_only", drop column "variant";`);
  }

}
