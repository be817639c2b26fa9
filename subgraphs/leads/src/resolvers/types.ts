import { Access, Connection, NotBlank } from "@solo/kit";
import { ArrayMaxSize, IsEmail, IsInt, IsOptional, Length, Max, Min } from "class-validator";
import { Field, Float, ID, InputType, Int, ObjectType } from "type-graphql";
import { Campaign, Lead, LeadOrderField, LeadStatus, OrderDirection } from "../entities";

@InputType({ description: "A signal of a lead, for its score" })
export class SignalInput {
  @Field({ description: "lower-case letters, digits and _, starting with a letter" })
  @NotBlank()
  name!: string;

  @Field(() => Float, { description: "0 to 1" })
  value!: number;
}

@InputType({ description: "A new lead of yours" })
export class LeadInput {
  @Field({ description: "1 to 200 characters" })
  @NotBlank()
  @Length(1, 200, { message: "name must be 1 to 200 characters" })
  name!: string;

  @Field(() => String, { description: "An email address (at most 254 characters), unique among your leads", nullable: true })
  @IsOptional()
  @IsEmail({}, { message: "email must be an email address" })
  @Length(3, 254, { message: "email must be at most 254 characters" })
  email?: string | null;

  @Field(() => String, { description: "Job title, up to 200 characters", nullable: true })
  @IsOptional()
  @Length(0, 200, { message: "title must be at most 200 characters" })
  title?: string | null;

  @Field(() => String, { description: "Employer, up to 200 characters", nullable: true })
  @IsOptional()
  @Length(0, 200, { message: "company must be at most 200 characters" })
  company?: string | null;

  @Field(() => String, { description: "Where the person is, up to 200 characters", nullable: true })
  @IsOptional()
  @Length(0, 200, { message: "location must be at most 200 characters" })
  location?: string | null;

  @Field(() => String, { description: "LinkedIn profile URL (an https URL)", nullable: true })
  @IsOptional()
  linkedinUrl?: string | null;

  @Field(() => String, { description: "Where the lead came from, up to 100 characters", nullable: true })
  @IsOptional()
  @Length(0, 100, { message: "source must be at most 100 characters" })
  source?: string | null;

  @Field(() => ID, { description: "A campaign of yours the lead came through", nullable: true })
  @IsOptional()
  campaignId?: string | null;

  @Field(() => [SignalInput], { description: "Up to 100 signals for the score, each 0 to 1", nullable: true })
  @IsOptional()
  @ArrayMaxSize(100, { message: "a lead may carry at most 100 signals" })
  signals?: SignalInput[] | null;
}

@InputType({ description: "Narrows leads; all given fields must match" })
export class LeadFilter {
  @Field(() => LeadStatus, { description: "Only leads in this stage", nullable: true })
  @IsOptional()
  status?: LeadStatus | null;

  @Field(() => Int, { description: "Only leads scoring at least this: 0 to 100", nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0, { message: "minScore must be 0 to 100" })
  @Max(100, { message: "minScore must be 0 to 100" })
  minScore?: number | null;

  @Field(() => String, { nullable: true, description: "Words of the name, company, title, location or email (web-search syntax)" })
  @IsOptional()
  @Length(0, 200, { message: "search must be at most 200 characters" })
  search?: string | null;

  @Field(() => ID, { description: "Only leads of this campaign", nullable: true })
  @IsOptional()
  campaignId?: string | null;
}

@InputType({ description: "How to order leads" })
export class LeadOrder {
  @Field(() => LeadOrderField, { description: "What to order by (ties by id)" })
  field!: LeadOrderField;

  @Field(() => OrderDirection, { description: "Ascending or descending" })
  direction!: OrderDirection;
}

@InputType({ description: "How much one signal counts" })
export class ScoringWeightInput {
  @Field({ description: "The signal's name (as the leads' signals spell it)" })
  @NotBlank()
  signal!: string;

  @Field(() => Float, { description: "0 or more; the weights must not sum to 0" })
  weight!: number;
}

@InputType({ description: "A new campaign of yours" })
export class CampaignInput {
  @Field({ description: "1 to 200 characters" })
  @NotBlank()
  @Length(1, 200, { message: "name must be 1 to 200 characters" })
  name!: string;

  @Field({ description: "Where it runs (email, instagram, webinar…), 1 to 50 characters" })
  @NotBlank()
  @Length(1, 50, { message: "channel must be 1 to 50 characters" })
  channel!: string;

  @Field({ description: "When it starts" })
  startsAt!: Date;

  @Field(() => Date, { description: "When it ends, after startsAt; omit for open-ended", nullable: true })
  @IsOptional()
  endsAt?: Date | null;
}

@InputType({ description: "A signup through a campaign" })
export class SignupInput {
  @Field(() => ID, { description: "A campaign of yours (any, for admins)" })
  campaignId!: string;

  @Field({ description: "The address that signed up (at most 254 characters)" })
  @IsEmail({}, { message: "email must be an email address" })
  @Length(3, 254, { message: "email must be at most 254 characters" })
  email!: string;

  @Field(() => String, { description: "The name given, up to 200 characters", nullable: true })
  @IsOptional()
  @Length(0, 200, { message: "name must be at most 200 characters" })
  name?: string | null;
}

@ObjectType({ description: "A CSV row the import refused or replaced" })
@Access({ withParent: true })
export class ImportError {
  @Field(() => Int, { description: "1-based data row (the header is row 0)" })
  row!: number;

  @Field({ description: "Why the row was refused or replaced, e.g. an invalid email address" })
  message!: string;
}

@ObjectType({ description: "What an import did" })
@Access({ withParent: true })
export class ImportResult {
  @Field(() => Int, { description: "New leads created" })
  imported!: number;

  @Field(() => Int, { description: "Existing leads (same email) updated" })
  updated!: number;

  @Field(() => Int, { description: "Rows refused (see errors)" })
  skipped!: number;

  @Field(() => [ImportError], { description: "Each refused row, and each row a later one of the same email replaced" })
  errors!: ImportError[];
}

@ObjectType({ description: "What rescoreLeads did" })
@Access({ withParent: true })
export class RescoreResult {
  @Field(() => Int, { description: "How many leads were scored (every lead you own)" })
  scored!: number;
}

@ObjectType({ description: "A campaign's leads by how far they got, and its signups" })
@Access({ withParent: true })
export class CampaignFunnel {
  @Field(() => Int, { description: "Leads of the campaign" })
  leads!: number;

  @Field(() => Int, { description: "Leads contacted or further (qualified, converted)" })
  contacted!: number;

  @Field(() => Int, { description: "Leads qualified or converted" })
  qualified!: number;

  @Field(() => Int, { description: "Leads converted (signed up)" })
  converted!: number;

  @Field(() => Int, { description: "Signups recorded through the campaign" })
  signups!: number;

  @Field(() => Float, { description: "converted ÷ leads × 100 (0 without leads)" })
  conversionRate!: number;
}

@ObjectType({ description: "A lead whose status or score changed" })
@Access({ withParent: true })
export class LeadPipelineEvent {
  @Field(() => ID, { description: "The lead that changed" })
  leadId!: string;

  @Field(() => LeadStatus, { description: "Its status after the change" })
  status!: LeadStatus;

  @Field(() => Int, { description: "Its score after the change (0 to 100)" })
  score!: number;

  @Field({ description: "When it changed" })
  at!: Date;

  @Field(() => Lead, { description: "The lead as it is now" })
  lead!: Lead;
}

@ObjectType({ description: "A page of leads in the order asked for (a Relay connection: pass pageInfo.endCursor as `after` for the next page)" })
@Access({ withParent: true })
export class LeadConnection extends Connection(Lead) {}

@ObjectType({ description: "A page of your campaigns, newest first (a Relay connection: pass pageInfo.endCursor as `after` for the next page)" })
@Access({ withParent: true })
export class CampaignConnection extends Connection(Campaign) {}
