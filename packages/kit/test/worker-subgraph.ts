import path from "node:path";
import { envString } from "../src/config";
import { defineSubgraph } from "../src/descriptor";

/** What the patient worker saw when it started, and whether it had returned by the time stop() resolved. */
export interface PatientRun {
  greeting: string;
  workerId: string;
  signal: AbortSignal;
  /** `select 1` through the runtime's ORM: the worker's database is open. */
  database: number;
  returned: boolean;
}

export const patientRuns: PatientRun[] = [];

/**
 * A subgraph of workers.test.ts only, with no entities, migrations or resolvers: the kit running
 * its workers is what is under test. The test also loads it by folder into a `work.js` process.
 */
export default defineSubgraph({
  name: "worker-fixture",
  schema: "worker_fixture",
  entities: [],
  // No such folder: no migrations to apply.
  migrations: path.join(__dirname, "worker-fixture-migrations"),
  resolvers: [],
  settings: (env) => ({ greeting: envString("WORKER_FIXTURE_GREETING", "hello", env) }),
  services: (runtime) => ({ greeting: `${runtime.settings.greeting} from ${runtime.name}` }),
  workers: [
    {
      name: "patient",
      async run({ services, runtime, signal, workerId }) {
        const [{ one }] = await runtime.orm.em.getConnection().execute<{ one: number }[]>("select 1 as one");
        const run: PatientRun = { greeting: services.greeting, workerId, signal, database: one, returned: false };
        patientRuns.push(run);
        // It may have been aborted already, while the query ran: an abort event comes only once.
        if (!signal.aborted) await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
        // Finishing the item in hand: stop() must wait for this, not return at the abort.
        await new Promise((resolve) => setTimeout(resolve, 100));
        runtime.logger.info("patient worker returned");
        run.returned = true;
      },
    },
    {
      name: "failing",
      async run() {
        throw new Error("the failing worker failed");
      },
    },
  ],
});
