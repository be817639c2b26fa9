import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { projectRoot } from "@solo/kit";
import type { GraphQLSchema, OperationDefinitionNode } from "graphql";
import { Kind, buildSchema, parse, validate } from "graphql";
import type { ReadmeBlock } from "./readme";
import type { Stack } from "./stack";

/** The demo's password (`npm run seed`), which the README gives its readers. */
const DEMO_PASSWORD = "demo password 123";

let apiSchema: GraphQLSchema | undefined;
/** Access tokens by demo email: one sign-in each for the whole README (tokens last 15 minutes). */
const tokens = new Map<string, string>();

async function signIn(stack: Stack, email: string, where: string): Promise<string> {
  const known = tokens.get(`${stack.url} ${email}`);
  if (known) return known;
  const login = await stack.client().op("Login", { email, password: DEMO_PASSWORD });
  assert.equal(login.errors, undefined, `${where}: sign in as ${email}: ${JSON.stringify(login.errors)}`);
  tokens.set(`${stack.url} ${email}`, login.data.login.accessToken);
  return login.data.login.accessToken as string;
}

/**
 * Runs a README graphql block: one operation a line, in order, each valid against the API schema and
 * answered without errors. Its mark's options: `as <email>` signs in as that demo account (else
 * anonymous); `$name = a.b.0.c` takes a variable from the answers of the lines before it.
 */
export async function runGraphqlBlock(stack: Stack, block: ReadmeBlock): Promise<void> {
  apiSchema ??= buildSchema(fs.readFileSync(path.join(projectRoot(), "schema", "api.graphql"), "utf8"));
  const where = `README.md:${block.line}`;
  let client = stack.client();
  const sources = new Map<string, string>();
  for (const option of block.runs!) {
    const as = /^as (\S+@\S+)$/.exec(option);
    const variable = /^\$(\w+) = (.+)$/.exec(option);
    if (as) client = stack.client({ token: await signIn(stack, as[1], where) });
    else if (variable) sources.set(variable[1], variable[2]);
    else assert.fail(`${where}: unknown option "${option}"`);
  }
  const answers: unknown[] = [];
  for (const line of block.code.split("\n").filter((text) => text.trim())) {
    const document = parse(line);
    assert.deepEqual(validate(apiSchema, document), [], `${where}: ${line}`);
    const operation = document.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
    const variables: Record<string, unknown> = {};
    for (const { variable } of operation?.variableDefinitions ?? []) {
      const source = sources.get(variable.name.value);
      assert.ok(source, `${where}: say where $${variable.name.value} comes from in the block's mark`);
      variables[variable.name.value] = resolve(source, answers);
      assert.ok(variables[variable.name.value] !== undefined, `${where}: $${variable.name.value} = ${source} found nothing`);
    }
    const answer = await client.request(line, variables);
    assert.equal(answer.errors, undefined, `${where}: ${line}\n${JSON.stringify(answer.errors)}`);
    assert.ok(answer.data && Object.values(answer.data as object).every((value) => value !== null), `${where}: ${line} answered ${JSON.stringify(answer.data)}`);
    answers.push(answer.data);
  }
}

function resolve(source: string, answers: unknown[]): unknown {
  for (const answer of answers) {
    let value: unknown = answer;
    for (const step of source.split(".")) value = value === null || value === undefined ? undefined : (value as Record<string, unknown>)[step];
    if (value !== undefined) return value;
  }
  return undefined;
}
