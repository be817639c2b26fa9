import { Migration } from '@mikro-orm/migrations';

export class Migration20261122023401_avatar extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "users"."users" add column "avatar_asset_id" uuid null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "users"."users" drop column "avatar_asset_id";`);
  }

}
