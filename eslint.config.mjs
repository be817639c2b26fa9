// ESLint 9 flat config: typescript-eslint's type-checked rules over every workspace's TypeScript,
// each file checked against the tsconfig project that includes it (through the project service).
// `npm run lint` runs it with --max-warnings 0.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: ["**/dist/**", "**/node_modules/**", "schema/**", "clients/generated/**", "packages/client/src/generated/**", ".data/**", ".test-data/**"],
  },
  { linterOptions: { reportUnusedDisableDirectives: "error" } },
  {
    files: ["**/*.ts"],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // node:test's describe/it/test/suite return promises that the runner itself awaits.
      "@typescript-eslint/no-floating-promises": [
        "error",
        {
          allowForKnownSafeCalls: [{ from: "package", package: "node:test", name: ["describe", "it", "test", "suite"] }],
        },
      ],
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      // Files with decorators are left alone by this rule while emitDecoratorMetadata is on (read from
      // the tsconfig): type-graphql and MikroORM read the runtime types of decorated signatures.
      "@typescript-eslint/consistent-type-imports": "error",
      // Apollo plugin hooks and MikroORM migrations implement Promise-returning interfaces; an `async`
      // method without `await` is the plain way to do that.
      "@typescript-eslint/require-await": "off",
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Tests and the end-to-end harness read GraphQL answers as untyped JSON (`GraphQLResponse<any>`)
    // and check their shape with assertions, which fail on a wrong one; the no-unsafe-* rules would
    // flag each property read (about 3,000 of them). Production code (packages, gateway, subgraphs,
    // tools/src) keeps them.
    files: ["e2e/**/*.ts", "bench/**/*.ts", "**/test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
  {
    files: ["clients/**/*.js"],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: "commonjs", globals: { require: "readonly", module: "writable", __dirname: "readonly", console: "readonly", process: "readonly" } },
  },
  {
    // GraphiQL's page, bundled by esbuild (gateway/graphiql/build.mjs) for the browser.
    files: ["gateway/graphiql/main.js"],
    extends: [js.configs.recommended],
    languageOptions: {
      sourceType: "module",
      globals: { document: "readonly", location: "readonly", globalThis: "readonly", Worker: "readonly", URL: "readonly" },
    },
  },
  {
    files: ["gateway/graphiql/build.mjs"],
    extends: [js.configs.recommended],
    languageOptions: { sourceType: "module", globals: { process: "readonly", console: "readonly" } },
  },
  {
    files: ["gateway/static/**/*.js"],
    extends: [js.configs.recommended],
    languageOptions: {
      sourceType: "script",
      globals: {
        window: "readonly",
        document: "readonly",
        location: "readonly",
        fetch: "readonly",
        localStorage: "readonly",
        WebSocket: "readonly",
        FormData: "readonly",
        // graphql-ws's browser bundle, loaded by dashboard.html before this script.
        graphqlWs: "readonly",
        console: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
      },
    },
  },
);
