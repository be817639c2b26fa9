// A partner integration: with an API key (scopes content:read and assessments:read), list the
// published courses and mock tests. Run: SOLO_API_KEY=… node examples/partner/dist/src/partner.js
import { CourseCatalogDocument, MockTestsDocument, SoloRequestError, createSoloClient } from "@solo/client";

async function main() {
  const apiKey = process.env.SOLO_API_KEY;
  if (!apiKey) throw new Error("Set SOLO_API_KEY to a partner API key (create one with the createApiKey mutation)");
  const client = createSoloClient({ url: process.env.SOLO_API_URL ?? "http://127.0.0.1:4000/graphql", apiKey });

  const { courses } = await client.request(CourseCatalogDocument, { first: 20 });
  console.log(`${courses.totalCount} published courses`);
  for (const { node } of courses.edges) {
    console.log(`- ${node.title} (${node.level.toLowerCase()}, ${node.lessonCount} lessons) by ${node.author.displayName}`);
  }

  const { mockTests } = await client.request(MockTestsDocument, { first: 20 });
  console.log(`${mockTests.totalCount} mock tests`);
  for (const { node } of mockTests.edges) {
    console.log(`- ${node.title}: ${node.questionCount} questions, ${node.totalMarks} marks, ${node.durationMinutes} min`);
  }
}

main().catch((error: unknown) => {
  // The API's code (UNAUTHENTICATED, FORBIDDEN, …) says what to fix: the key, or its scopes.
  console.error(error instanceof SoloRequestError ? `The API refused: ${error.message}` : error);
  process.exitCode = 1;
});
