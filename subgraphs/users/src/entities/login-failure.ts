import { Entity, PrimaryKey, Property } from "@mikro-orm/decorators/legacy";

/**
 * Failed logins for one normalised email in a fixed window, whether or not an account has that
 * address (so a lock-out says nothing about existence). Shared by every users replica.
 */
@Entity({ tableName: "login_failures" })
export class LoginFailure {
  @PrimaryKey({ type: "text" })
  emailNormalized!: string;

  @Property({ type: "timestamptz", index: true })
  windowStartedAt!: Date;

  @Property({ type: "int" })
  failures!: number;
}
