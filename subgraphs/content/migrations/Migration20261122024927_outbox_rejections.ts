import { Migration } from '@mikro-orm/migrations';

export class Migration20261122024927_outbox_rejections extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "content"."audit_outbox" add column "rejected_at" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "content"."audit_outbox" drop column "rejected_at";`);
  }

}
