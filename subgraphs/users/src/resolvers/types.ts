import { Access, Connection, Secret } from "@solo/kit";
import { ArrayMaxSize, ArrayMinSize, IsEmail, IsOptional, Length, Matches, MaxLength, Validate } from "class-validator";
import { Field, ID, InputType, ObjectType } from "type-graphql";
import { ApiKey, AuditLogEntry, User } from "../entities";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "../services/passwords";
import { IanaTimezone } from "./validators";

@InputType({ description: "A new account (it starts as STUDENT on the FREE plan)" })
export class RegisterInput {
  @Field({ description: "The address to sign in with; a mail asks to confirm it (at most 254 characters)" })
  @IsEmail({}, { message: "email must be a valid email address" })
  @MaxLength(254)
  email!: string;

  @Field({ description: "10 to 256 characters; stored only as a hash" })
  @Secret()
  @Length(MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH, {
    message: `password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`,
  })
  password!: string;

  @Field({ description: "The name shown to others, 1 to 80 characters" })
  @Length(1, 80, { message: "displayName must be 1 to 80 characters" })
  displayName!: string;

  @Field({ nullable: true, description: "IANA time zone, e.g. Asia/Kolkata (default UTC)" })
  @IsOptional()
  @Validate(IanaTimezone)
  timezone?: string;
}

@InputType({ description: "Changes to the signed-in account's profile; omitted fields stay as they are" })
export class UpdateProfileInput {
  @Field({ description: "The name shown to others, 1 to 80 characters", nullable: true })
  @IsOptional()
  @Length(1, 80, { message: "displayName must be 1 to 80 characters" })
  displayName?: string;

  @Field({ description: "IANA time zone, e.g. Europe/London: study streaks count days in it", nullable: true })
  @IsOptional()
  @Validate(IanaTimezone)
  timezone?: string;

  @Field(() => ID, { nullable: true, description: "A READY AVATAR upload of yours; null removes the picture" })
  avatarAssetId?: string | null;
}

@InputType({ description: "A new partner API key of the signed-in account" })
export class CreateApiKeyInput {
  @Field({ description: "A label to tell the key apart later (not blank)" })
  @Length(1, 80, { message: "name must be 1 to 80 characters" })
  name!: string;

  @Field(() => [String], { description: "e.g. content:read, leads:write" })
  @ArrayMinSize(1, { message: "an API key needs at least one scope" })
  @ArrayMaxSize(20)
  scopes!: string[];

  @Field({ defaultValue: false, description: "Serve this key published operations (trusted documents) only, sent by hash" })
  trustedDocumentsOnly: boolean = false;

  @Field(() => String, { nullable: true, description: "Bind the key to a registry variant (a filtered API, e.g. partner)" })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9-]{0,62}$/, { message: "variant must be a lower-case name: a letter, then letters, digits or hyphens (at most 63)" })
  variant?: string | null;
}

@ObjectType({ description: "Tokens for a signed-in session" })
@Access({ withParent: true })
export class AuthPayload {
  @Field({ description: "Signed JWT; send as `Authorization: Bearer <token>`" })
  accessToken!: string;

  @Field({ description: "Opaque; each use returns a new one and retires the old" })
  refreshToken!: string;

  @Field({ description: "When the access token expires" })
  expiresAt!: Date;

  @Field(() => User, { description: "The account now signed in" })
  user!: User;
}

@ObjectType({ description: "A new API key and its secret, which is shown this once only" })
@Access({ withParent: true })
export class CreateApiKeyPayload {
  @Field({ description: "Shown once: store it now" })
  secret!: string;

  @Field(() => ApiKey, { description: "The key's details (the secret is not among them)" })
  apiKey!: ApiKey;
}

@ObjectType({ description: "A page of accounts, oldest first (a Relay connection: pass pageInfo.endCursor as `after` for the next page)" })
@Access({ withParent: true })
export class UserConnection extends Connection(User) {}

@ObjectType({ description: "A page of audit-log entries, newest first (a Relay connection: pass pageInfo.endCursor as `after` for the next page)" })
@Access({ withParent: true })
export class AuditLogConnection extends Connection(AuditLogEntry, "AuditLog") {}
