import type { ExitStatus, ManagedProcess } from "./processes";
import { describeExit, endProcessGroup, startProcess, stopProcess } from "./processes";
import { stepBegins } from "./start-steps";

/** 1 s after the first crash, doubling to 30 s while crashes keep coming; back to 1 s after a minute up. */
const RESTART_BACKOFF = { firstMs: 1_000, maxMs: 30_000, resetAfterMs: 60_000 };

export interface ServiceSpec {
  name: string;
  script: string;
  /** Its command-line arguments (a subgraph's name, for the kit's entry point). */
  args?: string[];
  env: NodeJS.ProcessEnv;
  stdout?: "inherit" | "pipe";
  /** Called with each new process (the first and every restart), e.g. to read what it prints. */
  onStart?: (proc: ManagedProcess) => void;
}

/**
 * One service of `npm start`. Until `keepAlive()`, an exit it was not asked for goes to `onCrash`
 * (start-up fails: a service that cannot start at all will not heal by restarting); from then on,
 * it is restarted after a backoff, each restart logged with the exit code or signal and the delay.
 */
export class SupervisedService {
  current: ManagedProcess;
  private keepingAlive = false;
  private stopping = false;
  private restarting = false;
  private restartTimer?: NodeJS.Timeout;
  private startedAt = 0;
  private nextDelayMs = RESTART_BACKOFF.firstMs;

  constructor(
    private readonly spec: ServiceSpec,
    private readonly onCrash: (name: string, status: ExitStatus) => void,
  ) {
    this.current = this.launch();
  }

  keepAlive(): void {
    this.keepingAlive = true;
  }

  /** Stops the running process (SIGTERM); a service waiting to restart has none, and stays down. */
  async stop(): Promise<ExitStatus | undefined> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    return this.restarting ? undefined : stopProcess(this.current);
  }

  private launch(): ManagedProcess {
    const proc = startProcess(this.spec.name, this.spec.script, this.spec.args ?? [], this.spec.env, this.spec.stdout);
    this.startedAt = Date.now();
    stepBegins(this.spec.name, `started (pid ${proc.child.pid})`);
    this.spec.onStart?.(proc);
    void proc.exited.then((status) => this.exited(proc, status));
    return proc;
  }

  private exited(proc: ManagedProcess, status: ExitStatus): void {
    if (this.stopping) return;
    if (!this.keepingAlive) return this.onCrash(this.spec.name, status);
    const upMs = Date.now() - this.startedAt;
    const delayMs = upMs >= RESTART_BACKOFF.resetAfterMs ? RESTART_BACKOFF.firstMs : this.nextDelayMs;
    this.nextDelayMs = Math.min(delayMs * 2, RESTART_BACKOFF.maxMs);
    console.error(`${this.spec.name} (pid ${proc.child.pid}) exited with ${describeExit(status)} after ${(upMs / 1000).toFixed(1)} s; restarting in ${delayMs / 1000} s`);
    this.restarting = true;
    const groupEnded = endProcessGroup(proc.child.pid!);
    // endProcessGroup never rejects: it signals the group until nothing is left in it.
    this.restartTimer = setTimeout(() => {
      void groupEnded.then(() => {
        if (this.stopping) return;
        this.restarting = false;
        this.current = this.launch();
      });
    }, delayMs);
  }
}
