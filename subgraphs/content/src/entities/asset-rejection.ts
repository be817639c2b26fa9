import { Access } from "@solo/kit";
import { Field, Int, ObjectType } from "type-graphql";
import { AssetRejectionKind } from "./enums";

/**
 * Why completeUpload rejected an asset: what the client declared beside what the object store
 * holds. Stored with the asset (jsonb), so it outlives the request and the process that decided.
 */
@ObjectType({ description: "Why an upload was REJECTED: what was declared beside what the object store held" })
@Access({ withParent: true })
export class AssetRejection {
  @Field(() => AssetRejectionKind, { description: "Which declared property did not match" })
  kind!: AssetRejectionKind;

  @Field({ description: "The mismatch in words, e.g. `stored 2048 bytes ≠ declared 1024`" })
  message!: string;

  @Field(() => Int, { description: "The size in bytes declared to createUploadUrl" })
  declaredSizeBytes!: number;

  @Field(() => Int, { nullable: true, description: "The size in bytes of the object found in the store; null when none was found" })
  foundSizeBytes!: number | null;

  @Field({ description: "The content type declared to createUploadUrl" })
  declaredContentType!: string;

  @Field(() => String, {
    nullable: true,
    description: "The content type the object store recorded for the uploaded object; null when it recorded none or none was found",
  })
  foundContentType!: string | null;
}
