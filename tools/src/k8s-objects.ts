import type { IContainer, IEnvVar, IPodSpec, IProbe, IResourceRequirements, IVolume, IVolumeMount } from "kubernetes-models/v1" with { "resolution-mode": "import" };

/**
 * The pieces every pod of the platform shares, for k8s-manifests.ts: one place says how a SOLO
 * container runs (as whom, on which filesystem, with which probes). The types are the models of
 * the `kubernetes-models` package, so a misspelt field does not compile; the test validates the
 * rendered overlays against its OpenAPI schemas as well.
 */

/** The image every workload runs (the Dockerfile's); the overlays set its registry and tag. */
const IMAGE = "solo-supergraph";

/** Labels: the recommended app.kubernetes.io ones, which the NetworkPolicies and the rollout script select on. */
export const PART_OF = "app.kubernetes.io/part-of";
export const NAME = "app.kubernetes.io/name";
export const COMPONENT = "app.kubernetes.io/component";
/** The subgraph a subgraph's or a worker's pods belong to. */
export const SUBGRAPH_LABEL = "solo/subgraph";

export type Component = "gateway" | "registry" | "subgraph" | "worker" | "migrate" | "publish" | "config";

export function labels(name: string, component: Component, extra: Record<string, string> = {}): Record<string, string> {
  return { [NAME]: name, [PART_OF]: "solo", [COMPONENT]: component, ...extra };
}

/** Where SOLO_DATA_DIR points (the Dockerfile's /app/.data): the gateway keeps its last supergraph there. */
export const DATA_DIR = "/app/.data";

/** The shared settings (solo-config), the keys (solo-keys) and the connections to what runs outside the cluster (solo-connections). */
export const CONFIG_MAP = "solo-config";
export const KEYS_SECRET = "solo-keys";
export const CONNECTIONS_SECRET = "solo-connections";

/**
 * SHUTDOWN_DELAY_MS: after SIGTERM a service answers /ready with 503 and goes on serving this long,
 * while the endpoints controller takes it out of its Service; then it drains for at most
 * SHUTDOWN_TIMEOUT_MS. The grace period exceeds both, so the kubelet never kills a drain.
 */
export const SHUTDOWN_DELAY_MS = 5_000;
export const SHUTDOWN_TIMEOUT_MS = 15_000;
const TERMINATION_GRACE_SECONDS = 30;

export function resources(requests: { cpu: string; memory: string }, limits: { cpu: string; memory: string }): IResourceRequirements {
  return { requests, limits };
}

/**
 * Probes of a service on its `http` port. Startup: /health answers once the process listens, which
 * with MIGRATE_ON_START=false is only after the migration Job has applied what this version needs,
 * so it allows 10 minutes (a restart after them only starts the wait again). Readiness: /ready
 * (its database, its storage; the gateway: every subgraph). Liveness: /health, once started.
 */
function probes(): Pick<IContainer, "startupProbe" | "readinessProbe" | "livenessProbe"> {
  const get = (path: string, periodSeconds: number, failureThreshold: number, timeoutSeconds: number): IProbe => ({
    httpGet: { path, port: "http" },
    periodSeconds,
    failureThreshold,
    timeoutSeconds,
  });
  return {
    startupProbe: get("/health", 5, 120, 3),
    readinessProbe: get("/ready", 5, 2, 3),
    livenessProbe: get("/health", 10, 3, 5),
  };
}

/** The root filesystem is read-only: SOLO_DATA_DIR and /tmp are the writable places, gone with the pod. */
const VOLUMES: IVolume[] = [
  { name: "data", emptyDir: { sizeLimit: "64Mi" } },
  { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
];
const MOUNTS: IVolumeMount[] = [
  { name: "data", mountPath: DATA_DIR },
  { name: "tmp", mountPath: "/tmp" },
];

/** The settings and keys every service reads from its environment (README's Configuration). */
const SERVICE_ENV_FROM: NonNullable<IContainer["envFrom"]> = [
  { configMapRef: { name: CONFIG_MAP } },
  { secretRef: { name: KEYS_SECRET } },
  { secretRef: { name: CONNECTIONS_SECRET } },
];

export interface ContainerOptions {
  name: string;
  command: string[];
  /** Its listening port, exposed as `http`; none for a worker. */
  port?: number;
  env?: IEnvVar[];
  envFrom?: IContainer["envFrom"];
  resources: IResourceRequirements;
}

/** A container of the platform's image: as the image's `node` user, read-only, with no capability and no privilege to gain. */
export function container(options: ContainerOptions): IContainer {
  const env: IEnvVar[] = [...(options.port ? [{ name: "PORT", value: String(options.port) }] : []), ...(options.env ?? [])];
  return {
    name: options.name,
    image: IMAGE,
    imagePullPolicy: "IfNotPresent",
    command: options.command,
    ...(options.port ? { ports: [{ name: "http", containerPort: options.port, protocol: "TCP" }] } : {}),
    envFrom: options.envFrom ?? SERVICE_ENV_FROM,
    ...(env.length ? { env } : {}),
    ...(options.port ? probes() : {}),
    resources: options.resources,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
    },
    volumeMounts: MOUNTS,
  };
}

/** The pod around one container: no service-account token (nothing here calls the Kubernetes API), the runtime's default seccomp profile. */
export function podSpec(main: IContainer, extra: Partial<IPodSpec> = {}): IPodSpec {
  return {
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } },
    terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
    containers: [main],
    volumes: VOLUMES,
    ...extra,
  };
}
