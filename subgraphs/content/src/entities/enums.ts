import { registerEnumType } from "type-graphql";
import { AssetStatus, CourseLevel, CourseStatus, MaterialKind, UploadPurpose } from "./enum-values";

export * from "./enum-values";

registerEnumType(CourseLevel, { name: "CourseLevel" });
registerEnumType(CourseStatus, { name: "CourseStatus" });
registerEnumType(MaterialKind, { name: "MaterialKind" });
registerEnumType(UploadPurpose, { name: "UploadPurpose", description: "What an upload is for: decides allowed types and size" });
registerEnumType(AssetStatus, { name: "AssetStatus" });
