import { Access, Connection, Secret } from "@solo/kit";
import { ArrayMaxSize, ArrayMinSize, IsEmail, IsOptional, Length, MaxLength, Validate } from "class-validator";
import { Field, ID, InputType, ObjectType } from "type-graphql";
import { ApiKey, AuditLogEntry, User } from "../entities";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "../services/passwords";
import { IanaTimezone } from "./validators";

@InputType()
export class RegisterInput {
  @Field()
  @IsEmail({}, { message: "email must be a valid email address" })
  @MaxLength(254)
  email!: string;

  @Field()
  @Secret()
  @Length(MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH, {
    message: `password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`,
  })
  password!: string;

  @Field()
  @Length(1, 80, { message: "displayName must be 1 to 80 characters" })
  displayName!: string;

  @Field({ nullable: true, description: "IANA time zone, e.g. Asia/Kolkata (default UTC)" })
  @IsOptional()
  @Validate(IanaTimezone)
  timezone?: string;
}

@InputType()
export class UpdateProfileInput {
  @Field({ nullable: true })
  @IsOptional()
  @Length(1, 80, { message: "displayName must be 1 to 80 characters" })
  displayName?: string;

  @Field({ nullable: true })
  @IsOptional()
  @Validate(IanaTimezone)
  timezone?: string;

  @Field(() => ID, { nullable: true, description: "A READY AVATAR upload of yours; null removes the picture" })
  avatarAssetId?: string | null;
}

@InputType()
export class CreateApiKeyInput {
  @Field()
  @Length(1, 80, { message: "name must be 1 to 80 characters" })
  name!: string;

  @Field(() => [String], { description: "e.g. content:read, leads:write" })
  @ArrayMinSize(1, { message: "an API key needs at least one scope" })
  @ArrayMaxSize(20)
  scopes!: string[];
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

  @Field(() => User)
  user!: User;
}

@ObjectType()
@Access({ withParent: true })
export class CreateApiKeyPayload {
  @Field({ description: "Shown once: store it now" })
  secret!: string;

  @Field(() => ApiKey)
  apiKey!: ApiKey;
}

@ObjectType()
@Access({ withParent: true })
export class UserConnection extends Connection(User) {}

@ObjectType()
@Access({ withParent: true })
export class AuditLogConnection extends Connection(AuditLogEntry, "AuditLog") {}
