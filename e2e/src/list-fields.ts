import fs from "node:fs";
import path from "node:path";
import { projectRoot } from "@solo/kit";
import { Kind, TypeInfo, buildSchema, getNamedType, getNullableType, isCompositeType, isListType, parse, visit, visitWithTypeInfo } from "graphql";

/**
 * Every list of objects a contract operation selects, as `Operation: path.to.list` (a connection's
 * list is its `edges`): where a resolver per item would make a request's SQL grow with the list.
 * Read from clients/operations against schema/api.graphql, so a new operation or field is listed
 * without anyone writing it down.
 */
export function contractListFields(): string[] {
  const root = projectRoot();
  const schema = buildSchema(fs.readFileSync(path.join(root, "schema", "api.graphql"), "utf8"));
  const dir = path.join(root, "clients", "operations");
  const found: string[] = [];
  for (const file of fs.readdirSync(dir).filter((entry) => entry.endsWith(".graphql"))) {
    for (const definition of parse(fs.readFileSync(path.join(dir, file), "utf8")).definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION || !definition.name) continue;
      const operation = definition.name.value;
      const typeInfo = new TypeInfo(schema);
      const fieldPath: string[] = [];
      visit(
        definition,
        visitWithTypeInfo(typeInfo, {
          Field: {
            enter(node) {
              fieldPath.push(node.alias?.value ?? node.name.value);
              const type = getNullableType(typeInfo.getType());
              if (type && isListType(type) && isCompositeType(getNamedType(type)) && node.selectionSet) found.push(`${operation}: ${fieldPath.join(".")}`);
            },
            leave() {
              fieldPath.pop();
            },
          },
        }),
      );
    }
  }
  return found.sort();
}

/** The items at `dotted` in `data`, lists on the way flattened (`edges` of a connection included). */
export function itemsAt(data: unknown, dotted: string): unknown[] {
  let level: unknown[] = [data];
  for (const name of dotted.split(".")) {
    level = level.flatMap((value) => {
      const next = (value as Record<string, unknown> | null)?.[name];
      return Array.isArray(next) ? next : next === undefined || next === null ? [] : [next];
    });
  }
  return level;
}
