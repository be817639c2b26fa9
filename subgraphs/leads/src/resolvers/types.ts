import { Access, Connection, NotBlank } from "@solo/kit";
import { ArrayMaxSize, IsEmail, IsInt, IsOptional, Length, Max, Min } from "class-validator";
import { Field, Float, ID, InputType, Int, ObjectType } from "type-graphql";
import { Lead, LeadOrderField, LeadStatus, OrderDirection } from "../entities";

@InputType()
export class SignalInput {
  @Field({ description: "lower-case letters, digits and _, starting with a letter" })
  @NotBlank()
  name!: string;

  @Field(() => Float, { description: "0 to 1" })
  value!: number;
}

@InputType()
export class LeadInput {
  @Field()
  @NotBlank()
  @Length(1, 200, { message: "name must be 1 to 200 characters" })
  name!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsEmail({}, { message: "email must be an email address" })
  @Length(3, 254, { message: "email must be at most 254 characters" })
  email?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 200, { message: "title must be at most 200 characters" })
  title?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 200, { message: "company must be at most 200 characters" })
  company?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 200, { message: "location must be at most 200 characters" })
  location?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  linkedinUrl?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 100, { message: "source must be at most 100 characters" })
  source?: string | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  campaignId?: string | null;

  @Field(() => [SignalInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(100, { message: "a lead may carry at most 100 signals" })
  signals?: SignalInput[] | null;
}

@InputType()
export class LeadFilter {
  @Field(() => LeadStatus, { nullable: true })
  @IsOptional()
  status?: LeadStatus | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0, { message: "minScore must be 0 to 100" })
  @Max(100, { message: "minScore must be 0 to 100" })
  minScore?: number | null;

  @Field(() => String, { nullable: true, description: "Words of the name, company, title, location or email (web-search syntax)" })
  @IsOptional()
  @Length(0, 200, { message: "search must be at most 200 characters" })
  search?: string | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  campaignId?: string | null;
}

@InputType()
export class LeadOrder {
  @Field(() => LeadOrderField)
  field!: LeadOrderField;

  @Field(() => OrderDirection)
  direction!: OrderDirection;
}

@InputType()
export class ScoringWeightInput {
  @Field()
  @NotBlank()
  signal!: string;

  @Field(() => Float, { description: "0 or more; the weights must not sum to 0" })
  weight!: number;
}

@InputType()
export class CampaignInput {
  @Field()
  @NotBlank()
  @Length(1, 200, { message: "name must be 1 to 200 characters" })
  name!: string;

  @Field()
  @NotBlank()
  @Length(1, 50, { message: "channel must be 1 to 50 characters" })
  channel!: string;

  @Field()
  startsAt!: Date;

  @Field(() => Date, { nullable: true })
  @IsOptional()
  endsAt?: Date | null;
}

@InputType()
export class SignupInput {
  @Field(() => ID)
  campaignId!: string;

  @Field()
  @IsEmail({}, { message: "email must be an email address" })
  @Length(3, 254, { message: "email must be at most 254 characters" })
  email!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 200, { message: "name must be at most 200 characters" })
  name?: string | null;
}

@ObjectType()
@Access({ withParent: true })
export class ImportError {
  @Field(() => Int, { description: "1-based data row (the header is row 0)" })
  row!: number;

  @Field()
  message!: string;
}

@ObjectType({ description: "What an import did" })
@Access({ withParent: true })
export class ImportResult {
  @Field(() => Int)
  imported!: number;

  @Field(() => Int)
  updated!: number;

  @Field(() => Int)
  skipped!: number;

  @Field(() => [ImportError], { description: "Each refused row, and each row a later one of the same email replaced" })
  errors!: ImportError[];
}

@ObjectType()
@Access({ withParent: true })
export class RescoreResult {
  @Field(() => Int, { description: "Leads scored" })
  scored!: number;
}

@ObjectType({ description: "A campaign's leads by how far they got, and its signups" })
@Access({ withParent: true })
export class CampaignFunnel {
  @Field(() => Int)
  leads!: number;

  @Field(() => Int, { description: "Leads contacted or further (qualified, converted)" })
  contacted!: number;

  @Field(() => Int, { description: "Leads qualified or converted" })
  qualified!: number;

  @Field(() => Int)
  converted!: number;

  @Field(() => Int)
  signups!: number;

  @Field(() => Float, { description: "converted ÷ leads × 100 (0 without leads)" })
  conversionRate!: number;
}

@ObjectType({ description: "A lead whose status or score changed" })
@Access({ withParent: true })
export class LeadPipelineEvent {
  @Field(() => ID)
  leadId!: string;

  @Field(() => LeadStatus)
  status!: LeadStatus;

  @Field(() => Int)
  score!: number;

  @Field()
  at!: Date;

  @Field(() => Lead)
  lead!: Lead;
}

@ObjectType()
@Access({ withParent: true })
export class LeadConnection extends Connection(Lead) {}
