import type { GraphQLSchema } from "graphql";
import { DEFAULT_DEPRECATION_REASON, isEnumType, isInputObjectType, isInterfaceType, isIntrospectionType, isObjectType, isSpecifiedScalarType } from "graphql";

/** One schema coordinate (`Type`, `Type.field`, `Type.field(arg:)`, `Input.field`, `Enum.VALUE`) and what documents it. */
export interface SchemaCoordinate {
  coordinate: string;
  description: string | null | undefined;
  deprecationReason?: string | null;
}

/**
 * Every coordinate a reader of the API looks up in GraphiQL's docs or codegen's types. The root
 * types' names say what they are (the spec names them); graphql's own scalars and introspection
 * types are documented by graphql.
 */
export function schemaCoordinates(schema: GraphQLSchema): SchemaCoordinate[] {
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(Boolean));
  const coordinates: SchemaCoordinate[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
    if (!roots.has(type as never)) coordinates.push({ coordinate: type.name, description: type.description });
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        coordinates.push({ coordinate: `${type.name}.${field.name}`, description: field.description, deprecationReason: field.deprecationReason });
        for (const arg of field.args) {
          coordinates.push({ coordinate: `${type.name}.${field.name}(${arg.name}:)`, description: arg.description, deprecationReason: arg.deprecationReason });
        }
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        coordinates.push({ coordinate: `${type.name}.${field.name}`, description: field.description, deprecationReason: field.deprecationReason });
      }
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) {
        coordinates.push({ coordinate: `${type.name}.${value.name}`, description: value.description, deprecationReason: value.deprecationReason });
      }
    }
    // A union's members are types, described where they are defined.
  }
  return coordinates;
}

/** Coordinates without a description ("" and whitespace print as none). */
export function undescribed(schema: GraphQLSchema): string[] {
  return schemaCoordinates(schema)
    .filter(({ description }) => !description?.trim())
    .map(({ coordinate }) => coordinate);
}

/** Deprecated coordinates whose reason does not tell a client what to use instead (none given, or graphql's default). */
export function deprecatedWithoutReason(schema: GraphQLSchema): string[] {
  return schemaCoordinates(schema)
    .filter(({ deprecationReason }) => deprecationReason != null && (!deprecationReason.trim() || deprecationReason === DEFAULT_DEPRECATION_REASON))
    .map(({ coordinate }) => coordinate);
}
