import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { projectRoot, readSubgraphs } from "@solo/kit";

/**
 * `npm run subgraph:new <name>`: a working subgraph from tools/templates/subgraph (an entity, a
 * resolver with @Access, its migration, a test), and every line outside its folder that lists
 * subgraphs: rover.yaml (the next free port), the root workspaces and tsconfig references,
 * docker-compose.yml and the lock file (its API-key scopes follow from rover.yaml). Then `npm run compose` and
 * `npm start` pick it up.
 */
export function scaffoldSubgraph(name: string, root = projectRoot(), options: { now?: Date } = {}): string[] {
  refuseName(name, root);
  const names = namesOf(name);
  const port = Math.max(...readSubgraphs(root).map((entry) => entry.port)) + 1;
  const written: string[] = [];
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
    written.push(file);
  };

  const templates = path.join(__dirname, "..", "..", "templates", "subgraph");
  for (const file of walk(templates)) {
    const relative = path.relative(templates, file).replace(/\.tmpl$/, "");
    write(path.join("subgraphs", name, relative), fill(fs.readFileSync(file, "utf8"), names));
  }
  const migration = `Migration${stamp(options.now ?? new Date())}_initial`;
  write(path.join("subgraphs", name, "migrations", `${migration}.ts`), initialMigration(migration, names.schema));
  write(path.join("subgraphs", name, "package.json"), packageJson(root, names));

  edit(
    root,
    "rover.yaml",
    (text) => `${text.trimEnd()}\n  ${name}:\n    routing_url: http://127.0.0.1:${port}/graphql\n    schema:\n      file: ./schema/${name}.graphql\n`,
  );
  editJson<{ workspaces: string[] }>(root, "package.json", (json) => {
    json.workspaces = insertAfterLast(json.workspaces, (entry) => entry.startsWith("subgraphs/"), `subgraphs/${name}`);
  });
  editJson<{ references: { path: string }[] }>(root, "tsconfig.json", (json) => {
    json.references = insertAfterLast(json.references, (entry) => entry.path.startsWith("subgraphs/"), { path: `subgraphs/${name}` });
  });
  edit(root, "docker-compose.yml", (text) => composeWithService(text, name, port));
  written.push("rover.yaml", "package.json", "tsconfig.json", "docker-compose.yml");
  // The new workspace in the lock file (it adds no package of its own): `npm ci` stays in step.
  execFileSync("npm", ["install", "--package-lock-only", "--offline", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: root, stdio: "ignore" });
  written.push("package-lock.json");
  return written;
}

const NAME = /^[a-z][a-z0-9-]*$/;

function refuseName(name: string | undefined, root: string): asserts name is string {
  if (!name || !NAME.test(name) || name.endsWith("-") || name.includes("--")) {
    throw new Error(`usage: npm run subgraph:new <name>; a name is lower-case letters, digits and single hyphens, starting with a letter (got "${name ?? ""}")`);
  }
  if (readSubgraphs(root).some((entry) => entry.name === name)) throw new Error(`rover.yaml already lists a subgraph "${name}"`);
  if (fs.existsSync(path.join(root, "subgraphs", name))) throw new Error(`subgraphs/${name} exists already`);
  const { workspaces } = readPackageJson(root);
  const packages = (workspaces ?? []).map((workspace) => readPackageJson(path.join(root, workspace)).name);
  if (packages.includes(`@solo/${name}`)) throw new Error(`the package @solo/${name} exists already`);
}

interface Names {
  name: string;
  /** Its Postgres schema: the name with underscores for hyphens. */
  schema: string;
  /** For type and field names: study-groups → StudyGroups. */
  Pascal: string;
}

function namesOf(name: string): Names {
  const Pascal = name
    .split("-")
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join("");
  return { name, schema: name.replace(/-/g, "_"), Pascal };
}

function fill(template: string, names: Names): string {
  return template
    .replace(/__name__/g, names.name)
    .replace(/__schema__/g, names.schema)
    .replace(/__Pascal__/g, names.Pascal);
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? walk(path.join(dir, entry.name)) : [path.join(dir, entry.name)]));
}

/** 20261201093000: the timestamp `npm run migration:create` names migrations with. */
function stamp(now: Date): string {
  return now.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

/** What `npm run migration:create` writes for the template's entity: its schema and table. */
function initialMigration(className: string, schema: string): string {
  return `import { Migration } from '@mikro-orm/migrations';

export class ${className} extends Migration {

  override name = '${className}';

  override up(): void | Promise<void> {
    this.addSql(\`create schema if not exists "${schema}";\`);
    this.addSql(\`create table "${schema}"."items" ("id" uuid not null, "title" text not null, "owner_id" uuid not null, "created_at" timestamptz not null, constraint "items_pkey" primary key ("id"));\`);
    this.addSql(\`create index "items_owner_id_created_at_index" on "${schema}"."items" ("owner_id", "created_at");\`);
  }

  override down(): void | Promise<void> {
    this.addSql(\`drop table if exists "${schema}"."items" cascade;\`);
  }

}
`;
}

/** Its dependencies at the versions the kit uses, so a new subgraph starts in step with the rest. */
function packageJson(root: string, names: Names): string {
  const kit = readPackageJson(path.join(root, "packages", "kit"));
  const dependencies: Record<string, string> = { "@solo/kit": kit.version };
  for (const dependency of ["@mikro-orm/core", "@mikro-orm/decorators", "@mikro-orm/migrations", "@mikro-orm/postgresql", "graphql", "type-graphql"]) {
    const version = kit.dependencies?.[dependency];
    if (version) dependencies[dependency] = version;
  }
  const json = {
    name: `@solo/${names.name}`,
    version: "0.1.0",
    private: true,
    description: `${names.Pascal} subgraph`,
    engines: kit.engines,
    main: "dist/src/subgraph.js",
    types: "dist/src/subgraph.d.ts",
    dependencies: Object.fromEntries(Object.entries(dependencies).sort(([a], [b]) => a.localeCompare(b))),
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

function edit(root: string, file: string, change: (text: string) => string): void {
  const full = path.join(root, file);
  fs.writeFileSync(full, change(fs.readFileSync(full, "utf8")));
}

/** What this file reads of a package.json. */
interface PackageJson {
  name: string;
  version: string;
  engines?: Record<string, string>;
  workspaces?: string[];
  dependencies?: Record<string, string>;
}

function readPackageJson(dir: string): PackageJson {
  return JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as PackageJson;
}

/** Edits a JSON file whose shape the caller knows, keeping every other field as it was. */
function editJson<Shape>(root: string, file: string, change: (json: Shape) => void): void {
  edit(root, file, (text) => {
    const json = JSON.parse(text) as Shape;
    change(json);
    return `${JSON.stringify(json, null, 2)}\n`;
  });
}

function insertAfterLast<T>(list: T[], matches: (entry: T) => boolean, entry: T): T[] {
  const index = list.map(matches).lastIndexOf(true);
  return [...list.slice(0, index + 1), entry, ...list.slice(index + 1)];
}

/**
 * docker-compose.yml with the subgraph: its SUBGRAPH_URL for every service, a service of its own
 * (the kit's entry point, its port, a health check), and the gateway waiting for it.
 */
function composeWithService(text: string, name: string, port: number): string {
  const variable = `SUBGRAPH_URL_${name.toUpperCase().replace(/-/g, "_")}`;
  const lines = text.split("\n");
  const lastUrl = lines.map((line) => /^\s+SUBGRAPH_URL_\w+:/.test(line)).lastIndexOf(true);
  if (lastUrl < 0) throw new Error("docker-compose.yml: no SUBGRAPH_URL_ variables to add to");
  lines.splice(lastUrl + 1, 0, `${lines[lastUrl].match(/^\s+/)![0]}${variable}: http://${name}:${port}/graphql`);

  const gateway = lines.indexOf("  gateway:");
  if (gateway < 0) throw new Error("docker-compose.yml: no gateway service");
  const service = `  ${name}:
    <<: *node-service
    command: ["node", "packages/kit/dist/src/serve.js", "${name}"]
    environment:
      <<: *node-env
      PORT: "${port}"
    depends_on:
      postgres:
        condition: service_healthy
    healthcheck:
      test: ["CMD", "node", "-e", "fetch('http://127.0.0.1:${port}/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
      interval: 5s
      timeout: 3s
      retries: 30
`;
  lines.splice(gateway, 0, ...service.split("\n"));

  // The gateway's depends_on: its last entry's condition line is where the new one follows.
  const gatewayStart = lines.indexOf("  gateway:");
  const dependsOn = lines.indexOf("    depends_on:", gatewayStart);
  let end = dependsOn + 1;
  while (end < lines.length && lines[end].startsWith("      ")) end += 1;
  lines.splice(end, 0, `      ${name}:`, "        condition: service_healthy");
  return lines.join("\n");
}

if (require.main === module) {
  try {
    const name = process.argv[2];
    const written = scaffoldSubgraph(name);
    console.log(`wrote subgraphs/${name}/ and updated ${written.filter((file) => !file.startsWith("subgraphs/")).join(", ")}`);
    console.log(
      [
        "",
        "Next:",
        `  npm run compose        # writes schema/${name}.graphql and the supergraph`,
        `  npm test -- ${name}     # its own test`,
        "  npm start              # serves it through the gateway",
        "  npm run k8s            # its Deployment, Service, autoscaler and policies in deploy/k8s/base",
        "",
        `Then make it yours: its entities (subgraphs/${name}/src/entities.ts, then \`npm run migration:create -- ${name}\``,
        `for their migration), its resolvers (src/resolvers.ts), and, in src/subgraph.ts, what it needs beyond them`,
        "(settings, services, jobs, internal routes, live topics). README: its scopes and any configuration row.",
      ].join("\n"),
    );
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
