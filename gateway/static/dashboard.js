// The live dashboard: sign in over HTTP, then liveStudyStats, leaderboardUpdated and (for marketers)
// engagementUpdated and leadPipelineUpdated over graphql-ws.
(function () {
  const endpoint = `${location.origin}/graphql`;
  const $ = (id) => document.getElementById(id);
  let client;
  let leaderboardStop;
  let engagementStop;

  async function graphql(query, variables, token) {
    const response = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = await response.json();
    if (body.errors) throw new Error(body.errors[0].message);
    return body.data;
  }

  function renderStats(stats) {
    $("active-sessions").textContent = stats.activeSessions;
    $("learners-today").textContent = stats.learnersToday;
    $("focus-today").textContent = Math.round(stats.focusSecondsToday / 60);
    $("average-progress").textContent = `${Math.round(stats.averageProgress)} %`;
    $("stats-at").textContent = `Updated ${new Date(stats.at).toLocaleTimeString()}`;
  }

  function renderLeaderboard(rows) {
    const body = $("leaderboard");
    body.replaceChildren(
      ...rows.map((row) => {
        const tr = document.createElement("tr");
        for (const value of [row.rank, row.user.displayName, row.score]) {
          const td = document.createElement("td");
          td.textContent = String(value);
          tr.append(td);
        }
        return tr;
      }),
    );
  }

  function watch(query, variables, onData) {
    // A refused subscribe is an array of errors; a stream cut off (access lost) ends with a result
    // carrying errors and no data; a closed socket is a close event.
    const stopped = (error) => {
      const reason = Array.isArray(error) ? error[0]?.message : error.message || error.reason;
      $("status").textContent = `Live updates stopped: ${reason || error}`;
    };
    return client.subscribe(
      { query, variables },
      {
        next: (result) => (result.data ? onData(result.data) : stopped(result.errors ?? [])),
        error: stopped,
        complete: () => {},
      },
    );
  }

  async function showLeaderboard(testId, token) {
    leaderboardStop?.();
    const data = await graphql(
      `
        query ($t: ID!) {
          leaderboard(testId: $t, first: 10) {
            rank
            score
            user {
              displayName
            }
          }
        }
      `,
      { t: testId },
      token,
    );
    renderLeaderboard(data.leaderboard);
    leaderboardStop = watch(`subscription ($t: ID!) { leaderboardUpdated(testId: $t) { rank score user { displayName } } }`, { t: testId }, (update) =>
      renderLeaderboard(update.leaderboardUpdated.slice(0, 10)),
    );
  }

  function renderEngagement(engagement) {
    $("engagement-rate").textContent = `${engagement.engagementRate.toFixed(2)} %`;
    $("total-reach").textContent = engagement.totalReach.toLocaleString("en-US");
    $("engagement-at").textContent = `Metrics updated ${new Date(engagement.at).toLocaleTimeString()}`;
  }

  async function showEngagement(accountId, token) {
    engagementStop?.();
    const data = await graphql(
      `
        query ($a: ID!) {
          accountEngagement(accountId: $a) {
            engagementRate
            totalReach
            at
          }
        }
      `,
      { a: accountId },
      token,
    );
    renderEngagement(data.accountEngagement);
    engagementStop = watch(`subscription ($a: ID!) { engagementUpdated(accountId: $a) { engagementRate totalReach at } }`, { a: accountId }, (update) =>
      renderEngagement(update.engagementUpdated),
    );
  }

  async function showEngagementPanel(token) {
    // socialAccounts is for marketers and admins: anyone else is refused, and sees no panel.
    const accounts = await graphql(
      `
        {
          socialAccounts {
            id
            handle
            status
          }
        }
      `,
      {},
      token,
    ).then(
      (data) => data.socialAccounts,
      () => [],
    );
    if (!accounts.length) return;
    $("engagement").hidden = false;
    const select = $("account-select");
    select.replaceChildren(
      ...accounts.map((account) =>
        Object.assign(document.createElement("option"), {
          value: account.id,
          textContent: account.status === "ACTIVE" ? `@${account.handle}` : `@${account.handle} (${account.status.toLowerCase().replace("_", " ")})`,
        }),
      ),
    );
    select.onchange = () => showEngagement(select.value, token);
    await showEngagement(select.value, token);
  }

  const STATUSES = ["NEW", "CONTACTED", "QUALIFIED", "CONVERTED", "LOST"];
  const PIPELINE_CHANGES_SHOWN = 10;

  // One count per status, in one request (a page of none: only totalCount is wanted).
  const pipelineCountsQuery = `{ ${STATUSES.map((status) => `${status}: leads(filter: { status: ${status} }, first: 0) { totalCount }`).join(" ")} }`;

  function renderPipelineCounts(counts) {
    for (const status of STATUSES) $(`pipeline-${status.toLowerCase()}`).textContent = counts[status].totalCount.toLocaleString("en-US");
  }

  function addPipelineChange(change) {
    const tr = document.createElement("tr");
    for (const value of [new Date(change.at).toLocaleString(), change.lead.name, change.lead.company ?? "", change.status, change.score]) {
      const td = document.createElement("td");
      td.textContent = String(value);
      tr.append(td);
    }
    const body = $("pipeline-changes");
    body.prepend(tr);
    while (body.rows.length > PIPELINE_CHANGES_SHOWN) body.deleteRow(-1);
  }

  async function showPipelinePanel(token) {
    // leads is for marketers and admins: anyone else is refused, and sees no panel.
    const initial = await graphql(
      `
        {
          ${pipelineCountsQuery.slice(1, -1)}
          leadPipelineLatest {
            leadId
            status
            score
            at
            lead {
              name
              company
            }
          }
        }
      `,
      {},
      token,
    ).catch(() => undefined);
    if (!initial) return;
    $("pipeline").hidden = false;
    renderPipelineCounts(initial);
    if (initial.leadPipelineLatest) addPipelineChange(initial.leadPipelineLatest);
    // An event says which lead changed, not what it changed from: the counts are read again, one
    // read at a time (events arriving meanwhile are folded into one more read).
    let reading;
    let readAgain = false;
    const recount = async () => {
      if (reading) {
        readAgain = true;
        return;
      }
      reading = graphql(pipelineCountsQuery, {}, token).then(renderPipelineCounts, () => {});
      await reading;
      reading = undefined;
      if (readAgain) {
        readAgain = false;
        await recount();
      }
    };
    watch(`subscription { leadPipelineUpdated { leadId status score at lead { name company } } }`, {}, (update) => {
      addPipelineChange(update.leadPipelineUpdated);
      recount();
    });
  }

  async function start(token, name) {
    client = graphqlWs.createClient({ url: endpoint.replace(/^http/, "ws"), connectionParams: { authorization: `Bearer ${token}` } });
    $("signin").hidden = true;
    $("live").hidden = false;
    $("status").textContent = `Signed in as ${name}`;
    const initial = await graphql(
      `
        {
          liveStudyStats {
            activeSessions
            learnersToday
            focusSecondsToday
            averageProgress
            at
          }
        }
      `,
      {},
      token,
    );
    renderStats(initial.liveStudyStats);
    watch(`subscription { liveStudyStats { activeSessions learnersToday focusSecondsToday averageProgress at } }`, {}, (update) => renderStats(update.liveStudyStats));
    const tests = await graphql(
      `
        {
          mockTests(first: 50) {
            edges {
              node {
                id
                title
              }
            }
          }
        }
      `,
      {},
      token,
    );
    const select = $("test-select");
    select.replaceChildren(...tests.mockTests.edges.map(({ node }) => Object.assign(document.createElement("option"), { value: node.id, textContent: node.title })));
    select.onchange = () => showLeaderboard(select.value, token);
    if (select.value) await showLeaderboard(select.value, token);
    await showEngagementPanel(token);
    await showPipelinePanel(token);
  }

  // Development only: the gateway serves /dev/mail when npm start runs the mail catcher (404 elsewhere, and the section stays hidden).
  async function showMailbox() {
    const response = await fetch("/dev/mail", { cache: "no-store" }).catch(() => undefined);
    if (!response?.ok) return;
    const mails = await response.json();
    $("mailbox").hidden = false;
    $("mail-list").replaceChildren(
      ...mails.reverse().map((mail) => {
        const tr = document.createElement("tr");
        for (const value of [new Date(mail.at).toLocaleTimeString(), mail.to, mail.subject, mail.text]) {
          const td = document.createElement("td");
          td.textContent = value;
          tr.append(td);
        }
        return tr;
      }),
    );
    setTimeout(showMailbox, 2_000);
  }
  showMailbox();

  $("signin-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    try {
      const data = await graphql(
        `
          mutation ($e: String!, $p: String!) {
            login(email: $e, password: $p) {
              accessToken
              user {
                displayName
              }
            }
          }
        `,
        { e: form.get("email"), p: form.get("password") },
      );
      await start(data.login.accessToken, data.login.user.displayName);
    } catch (error) {
      $("status").textContent = `Could not sign in: ${error.message}`;
    }
  });
})();
