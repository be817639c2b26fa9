import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ManualClock } from "@solo/kit";
import type { GraphQLResponse, Stack } from "../src/stack";
import { PASSWORD, startStack, uniqueEmail } from "../src/stack";

/**
 * Point 7 of issue 9: failed logins are counted per email (10 in 15 minutes) in the users subgraph,
 * whichever IP they come from, and failed sign-ins count against the IP whatever token came along.
 */
describe("logins resist guessing", () => {
  let stack: Stack;
  const clock = new ManualClock();
  // Every request from a new address (the gateway believes X-Forwarded-For from loopback): the
  // per-IP limit of 3 never trips, so whatever stops the guessing is the per-email count.
  let nextIp = 0;
  const fromNewIp = () => stack.client({ headers: { "x-forwarded-for": `203.0.113.${(nextIp = (nextIp % 250) + 1)}` } });
  const login = (email: string, password: string) => fromNewIp().op("Login", { email, password });
  const outcome = (response: GraphQLResponse) => {
    const error = response.errors?.[0];
    return error ? `${error.extensions?.code}:${error.extensions?.reason}:${error.message.replace(/\d+ s$/, "N s")}` : "signed in";
  };

  before(async () => {
    stack = await startStack({ subgraphs: { users: { clock } }, gateway: { rateLimit: { anonymous: 3, windowSeconds: 60 } } });
  });
  after(() => stack.close());

  it("refuses an email's logins after 10 failures in 15 minutes, from any IP, even with the right password", async () => {
    const account = await registerFromNewIp();
    const failures: string[] = [];
    for (let i = 0; i < 10; i++) failures.push(outcome(await login(account.email, `wrong password ${i}`)));
    assert.deepEqual(new Set(failures), new Set(["UNAUTHENTICATED:INVALID_CREDENTIALS:Invalid email or password"]));

    const refused = await login(account.email.toUpperCase(), PASSWORD);
    assert.equal(refused.errors?.[0].extensions?.code, "RATE_LIMITED");
    assert.equal(refused.errors?.[0].extensions?.reason, "TOO_MANY_FAILED_LOGINS");
    const retry = refused.errors?.[0].extensions?.retryAfterSeconds;
    assert.ok(retry > 14 * 60 && retry <= 15 * 60, `retryAfterSeconds ${retry}`);
    assert.equal(refused.headers.get("retry-after"), null, "the gateway's per-IP limit did not trip: this is the per-email count");

    // The count lives in Postgres, where every users replica sees it, and a restarted one too.
    const stored = await stack.db.query("select failures from users.login_failures where email_normalized = $1", [account.email.toLowerCase()]);
    assert.equal(stored.rows[0].failures, 11);
    await stack.restart("users");
    assert.equal(outcome(await login(account.email, PASSWORD)).split(":")[0], "RATE_LIMITED");

    clock.advance(14 * 60_000);
    assert.equal(outcome(await login(`  ${account.email} `, PASSWORD)).split(":")[0], "RATE_LIMITED", "the window is fixed, and the email normalised");
    clock.advance(60_000);
    assert.equal(outcome(await login(account.email, PASSWORD)), "signed in", "a new window after 15 minutes");
  });

  it("counts failures only: a successful login clears them", async () => {
    const account = await registerFromNewIp();
    for (let i = 0; i < 9; i++) await login(account.email, "not the password");
    assert.equal(outcome(await login(account.email, PASSWORD)), "signed in");
    // 11 failures in the window, but not 10 since the success.
    for (let i = 0; i < 2; i++) await login(account.email, "not the password");
    assert.equal(outcome(await login(account.email, PASSWORD)), "signed in");
  });

  it("does not reveal whether an email has an account: same answers, same point of refusal, similar time", async () => {
    const known = (await registerFromNewIp()).email;
    const unknown = uniqueEmail("nobody");
    const answers = async (email: string) => {
      const seen: string[] = [];
      for (let i = 0; i < 11; i++) seen.push(outcome(await login(email, "wrong password here")));
      return seen;
    };
    const forKnown = await answers(known);
    assert.deepEqual(await answers(unknown), forKnown);
    assert.match(forKnown[10], /^RATE_LIMITED:TOO_MANY_FAILED_LOGINS:/);

    // Refused before the account is read or any password hashed: as quick for either.
    const time = async (email: string) => {
      const started = process.hrtime.bigint();
      await login(email, PASSWORD);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const knownMs: number[] = [];
    const unknownMs: number[] = [];
    for (let i = 0; i < 7; i++) {
      knownMs.push(await time(known));
      unknownMs.push(await time(unknown));
    }
    const median = (values: number[]) => [...values].sort((x, y) => x - y)[3];
    const ratio = median(knownMs) / median(unknownMs);
    assert.ok(ratio > 0.33 && ratio < 3, `known/unknown refusal time ratio ${ratio.toFixed(2)} (${median(knownMs)} / ${median(unknownMs)} ms)`);

    // Ended windows are swept away, so guessing at made-up addresses leaves nothing behind.
    const counted = "select email_normalized from users.login_failures where email_normalized = any($1)";
    assert.equal((await stack.db.query(counted, [[known.toLowerCase(), unknown]])).rowCount, 2);
    clock.advance(15 * 60_000);
    await stack.subgraph("users").runJobNow("forget-spent-account-records");
    assert.equal((await stack.db.query(counted, [[known.toLowerCase(), unknown]])).rowCount, 0);
  });

  it("counts failed logins made with someone's valid token against the IP", async () => {
    const holder = await registerFromNewIp();
    const ip = "198.51.100.20";
    const withToken = stack.client({ token: holder.accessToken, headers: { "x-forwarded-for": ip } });
    // The IP's budget is 3: three failed logins spend it, though the token's own bucket is untouched.
    for (let i = 0; i < 3; i++) {
      const failed = await withToken.op("Login", { email: uniqueEmail("target"), password: "guess guess guess" });
      assert.equal(failed.errors?.[0].extensions?.reason, "INVALID_CREDENTIALS");
    }
    const refused = await withToken.op("Login", { email: uniqueEmail("target"), password: "guess guess guess" });
    assert.equal(refused.status, 429);
    assert.equal(refused.errors?.[0].extensions?.code, "RATE_LIMITED");
    assert.ok(Number(refused.headers.get("retry-after")) >= 1);
    const anonymous = await stack.client({ headers: { "x-forwarded-for": ip } }).request("{ __typename }");
    assert.equal(anonymous.status, 429, "the IP's anonymous budget is spent");
    // The token itself still works for everything but signing in.
    const me = await withToken.request("{ me { id } }");
    assert.equal(me.data?.me.id, holder.user.id);
  });

  /** Registration is anonymous and would spend an IP's budget of 3: each from an address of its own. */
  async function registerFromNewIp() {
    const response = await fromNewIp().op("Register", { input: { email: uniqueEmail("guessed"), password: PASSWORD, displayName: "Guessed" } });
    if (response.errors) throw new Error(JSON.stringify(response.errors));
    return { ...response.data.register, email: response.data.register.user.email as string };
  }
});
