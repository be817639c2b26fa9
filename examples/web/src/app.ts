// The page's script (bundled by esbuild into app.js): everything goes through @solo/client.
import type { Tokens } from "@solo/client";
import { CourseCatalogDocument, LiveStudyStatsDocument, MeDocument, UpdateProfileDocument, createSoloClient } from "@solo/client";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
// ?api=… points the page at another gateway (the default is `npm start`'s).
const api = new URLSearchParams(location.search).get("api") ?? "http://127.0.0.1:4000/graphql";
const TOKENS = "solo-example-tokens";

const client = createSoloClient({
  url: api,
  // Kept for this tab, so a reload stays signed in; refreshed tokens replace them as they come.
  tokens: (JSON.parse(sessionStorage.getItem(TOKENS) ?? "null") as Tokens | null) ?? undefined,
  onTokens: (tokens?: Tokens) => (tokens ? sessionStorage.setItem(TOKENS, JSON.stringify(tokens)) : sessionStorage.removeItem(TOKENS)),
  live: {
    onConnected: (reconnected) => ($("live-connection").textContent = reconnected ? "(live, reconnected)" : "(live)"),
    onClosed: () => ($("live-connection").textContent = "(reconnecting…)"),
  },
});

function showError(error: unknown) {
  $("error").textContent = error instanceof Error ? error.message : String(error);
}

let stopStats: (() => void) | undefined;

async function showSignedIn() {
  const { me } = await client.request(MeDocument);
  if (!me) throw new Error("Not signed in");
  $("who").textContent = `Signed in as ${me.displayName}`;
  showAvatar(me.avatar?.url);
  $("sign-in").hidden = true;
  $("signed-in").hidden = false;

  const { courses } = await client.request(CourseCatalogDocument, { first: 20 });
  $("course-list").replaceChildren(
    ...courses.edges.map(({ node }) => {
      const item = document.createElement("li");
      item.textContent = `${node.title} · ${node.level.toLowerCase()} · ${node.lessonCount} lessons · ${node.author.displayName}`;
      return item;
    }),
  );

  stopStats = client.subscribe(
    LiveStudyStatsDocument,
    {},
    {
      next: ({ liveStudyStats: stats }) => {
        $("active-sessions").textContent = String(stats.activeSessions);
        $("learners-today").textContent = String(stats.learnersToday);
        $("average-progress").textContent = `${Math.round(stats.averageProgress)} %`;
      },
      error: showError,
    },
  );
}

function showAvatar(url: string | null | undefined) {
  const image = $<HTMLImageElement>("avatar-image");
  image.hidden = !url;
  if (url) image.src = url;
}

$<HTMLFormElement>("sign-in").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = new FormData(event.target as HTMLFormElement);
  $("error").textContent = "";
  client
    .signIn(form.get("email") as string, form.get("password") as string)
    .then(showSignedIn)
    .catch(showError);
});

$("sign-out").addEventListener("click", () => {
  stopStats?.();
  void client.signOut().finally(() => location.reload());
});

$<HTMLInputElement>("avatar").addEventListener("change", (event) => {
  const file = (event.target as HTMLInputElement).files?.[0];
  if (!file) return;
  const bar = $<HTMLProgressElement>("upload-progress");
  $("upload-status").textContent = "Uploading…";
  client
    .upload({
      body: file,
      filename: file.name,
      contentType: file.type,
      purpose: "AVATAR",
      onProgress: ({ loaded, total }) => {
        const percent = total ? Math.floor((loaded / total) * 100) : 0;
        bar.value = percent;
        $("upload-percent").textContent = `${percent} %`;
      },
    })
    .then(async (asset) => {
      $("upload-status").textContent = asset.status === "READY" ? "Uploaded" : `Not accepted (${asset.status})`;
      if (asset.status !== "READY") return;
      const { updateProfile } = await client.request(UpdateProfileDocument, { input: { avatarAssetId: asset.id } });
      showAvatar(updateProfile.avatar?.url);
    })
    .catch(showError);
});

if (client.tokens) showSignedIn().catch(showError);
