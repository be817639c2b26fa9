import type { Row } from "@solo/kit";
import { Access, paginate } from "@solo/kit";
import { Arg, Ctx, Directive, FieldResolver, Int, Query, Resolver, Root } from "type-graphql";
import { AuditLogEntry, Role, User } from "../entities";
import type { UsersContext } from "../context";
import { AuditLogConnection } from "./types";

@Resolver(() => AuditLogEntry)
export class AuditLogResolver {
  @Access({ roles: [Role.ADMIN], scope: "users:read" })
  @Directive('@tag(name: "internal")')
  @Query(() => AuditLogConnection, { description: "Account, role and key changes, newest first (admins only)" })
  auditLog(
    @Arg("first", () => Int, { description: "Page size: 0 to 100, 20 by default", nullable: true }) first: number | null,
    @Arg("after", () => String, { description: "Cursor from a previous page's pageInfo.endCursor: the page starts after it", nullable: true }) after: string | null,
    @Ctx() { em }: UsersContext,
  ): Promise<AuditLogConnection> {
    return paginate(em, AuditLogEntry, {}, { first, after, direction: "desc" });
  }

  @FieldResolver(() => User, { nullable: true, description: "Null for system actions" })
  actor(@Root() entry: Row<AuditLogEntry>, @Ctx() { loaders }: UsersContext): Promise<User | null> | null {
    return entry.actorId ? loaders.userById.load(entry.actorId) : null;
  }
}
