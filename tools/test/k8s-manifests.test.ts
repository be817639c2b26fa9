import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { before, describe, it } from "node:test";
import { loadSubgraph, projectRoot, readSubgraphs, subgraphUrlVariable } from "@solo/kit";
import YAML from "yaml";
import { BASE_DIR, planSubgraphs, renderBase, serviceUrl } from "../src/k8s-manifests";
import type { SubgraphPlan } from "../src/k8s-manifests";

/**
 * deploy/k8s, offline: the checked-in base is what `npm run k8s` writes now; both overlays render
 * with `kubectl kustomize`, every object they hold passes the Kubernetes OpenAPI schema (the
 * kubernetes-models package), and the rules hold (probes, limits, non-root, read-only root
 * filesystems, the NetworkPolicies' reach, every subgraph of rover.yaml deployed with its
 * autoscaler and disruption budget, the migration Job, no secret value in prod); the rollout script
 * runs the Job before the services; the Dockerfile builds in stages on node:24-slim and runs
 * production dependencies as a non-root user.
 */

const root = projectRoot();
const OVERLAYS = ["dev", "prod"] as const;
type Overlay = (typeof OVERLAYS)[number];

type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: any;
};

function findKubectl(): string | undefined {
  const found = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" });
  return found.status === 0 ? "kubectl" : undefined;
}
const kubectl = findKubectl();
const skip = kubectl ? false : "kubectl is not installed: the manifests cannot be rendered (install kubectl ≥ 1.27, which embeds kustomize v5)";

function render(overlay: string): K8sObject[] {
  const output = execFileSync(kubectl!, ["kustomize", path.join(root, "deploy", "k8s", "overlays", overlay)], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return YAML.parseAllDocuments(output)
    .map((document) => document.toJS() as K8sObject)
    .filter(Boolean);
}

/** `new Model(object).validate()`, the model of the object's apiVersion and kind. */
async function validate(object: K8sObject): Promise<void> {
  const module = (await import(`kubernetes-models/${object.apiVersion}`)) as Record<string, new (data: object) => { validate(): void }>;
  const Model = module[object.kind];
  assert.ok(Model, `kubernetes-models has no ${object.apiVersion} ${object.kind}`);
  new Model(unwrapped(object)).validate();
}

/**
 * kustomize writes a long Secret value's base64 over several lines, which the API server decodes
 * as it would on one (Go's base64 skips line breaks); the schema's `byte` format wants it on one.
 */
function unwrapped(object: K8sObject): K8sObject {
  if (object.kind !== "Secret" || !object.data) return object;
  return { ...object, data: Object.fromEntries(Object.entries(object.data as Record<string, string>).map(([key, value]) => [key, value.replace(/\s+/g, "")])) };
}

const byKind = (objects: K8sObject[], kind: string) => objects.filter((object) => object.kind === kind);
function named(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  assert.ok(found, `a ${kind} named ${name}`);
  return found;
}

/** A generated ConfigMap or Secret, by the name before kustomize's hash suffix. */
function generated(objects: K8sObject[], kind: string, name: string): K8sObject | undefined {
  return objects.find((object) => object.kind === kind && (object.metadata.name === name || object.metadata.name.startsWith(`${name}-`)));
}

type LabelSelector = { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
function selects(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const byExpressions = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    if (operator === "In") return key in labels && values.includes(labels[key]);
    if (operator === "NotIn") return !(key in labels) || !values.includes(labels[key]);
    if (operator === "Exists") return key in labels;
    if (operator === "DoesNotExist") return !(key in labels);
    throw new Error(`operator ${operator}`);
  });
  return byLabels && byExpressions;
}

type Peer = { podSelector?: LabelSelector; namespaceSelector?: LabelSelector; ipBlock?: unknown };

/** A pod that may send: its labels, its namespace and that namespace's labels. */
interface Source {
  labels: Record<string, string>;
  namespace: string;
  namespaceLabels: Record<string, string>;
}

/** Whether the NetworkPolicies let `source` reach the pods with `labels` on `port` (Kubernetes' semantics, ingress, no ipBlocks). */
function admits(policies: K8sObject[], namespace: string, labels: Record<string, string>, port: number, source: Source): boolean {
  const isolating = policies.filter(
    (policy) =>
      (policy.metadata.namespace ?? "default") === namespace && selects(policy.spec.podSelector, labels) && (policy.spec.policyTypes ?? ["Ingress"]).includes("Ingress"),
  );
  if (!isolating.length) return true;
  return isolating.some((policy) =>
    (policy.spec.ingress ?? []).some((rule: { from?: Peer[]; ports?: { port?: number | string }[] }) => {
      const portMatches = !rule.ports?.length || rule.ports.some((allowed) => allowed.port === undefined || allowed.port === port);
      const peerMatches =
        !rule.from?.length ||
        rule.from.some((peer) => {
          if (peer.ipBlock) return false;
          const namespaceMatches = peer.namespaceSelector ? selects(peer.namespaceSelector, source.namespaceLabels) : source.namespace === namespace;
          const podMatches = peer.podSelector ? selects(peer.podSelector, source.labels) : true;
          return namespaceMatches && podMatches;
        });
      return portMatches && peerMatches;
    }),
  );
}

/** The pod templates of the Deployments and Jobs. */
function workloads(objects: K8sObject[]): K8sObject[] {
  return objects.filter((object) => object.kind === "Deployment" || object.kind === "Job");
}

/** A container's environment as the kubelet gives it: the ConfigMaps it loads, then its own values (secrets named, not read). */
function environment(objects: K8sObject[], container: K8sObject): Map<string, string> {
  const env = new Map<string, string>();
  for (const source of container.envFrom ?? []) {
    if (!source.configMapRef) continue;
    const configMap = objects.find((object) => object.kind === "ConfigMap" && object.metadata.name === source.configMapRef.name);
    assert.ok(configMap, `ConfigMap ${source.configMapRef.name} is in the render`);
    for (const [name, value] of Object.entries(configMap.data ?? {})) env.set(name, String(value));
  }
  for (const variable of container.env ?? []) env.set(variable.name, variable.value ?? `<from ${JSON.stringify(variable.valueFrom)}>`);
  return env;
}

/** Names of variables that hold credentials: never a literal in prod. */
const SECRET_NAME = /KEY|SECRET|TOKEN|PASSWORD|DATABASE_URL|REDIS_URL|SMTP_URL/;
/** What production requires (README: Configuration) and the Secrets hold. */
const PRODUCTION_SECRETS = {
  "solo-keys": ["JWT_PRIVATE_KEY", "JWT_PUBLIC_KEY", "INTERNAL_TOKEN_SECRET", "SOCIAL_TOKEN_KEYS"],
  "solo-connections": ["DATABASE_URL", "REDIS_URL", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "SMTP_URL"],
};

describe("Kubernetes manifests (deploy/k8s)", () => {
  it("the checked-in base is what `npm run k8s` writes from rover.yaml and the descriptors", () => {
    const dir = path.join(root, BASE_DIR);
    const expected = renderBase(root);
    const present = fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
    assert.deepEqual(present, [...expected.keys()].sort(), `deploy/k8s/base lists other files than the generator writes: run \`npm run k8s\``);
    for (const [file, content] of expected) {
      assert.equal(fs.readFileSync(path.join(dir, file), "utf8"), content, `deploy/k8s/base/${file} is not what the generator writes now: run \`npm run k8s\``);
    }
  });

  describe("rendered with kubectl kustomize", { skip }, () => {
    const rendered = new Map<Overlay, K8sObject[]>();
    let subgraphs: SubgraphPlan[];
    before(() => {
      for (const overlay of OVERLAYS) rendered.set(overlay, render(overlay));
      subgraphs = planSubgraphs(root);
    });

    for (const overlay of OVERLAYS) {
      describe(`overlays/${overlay}`, () => {
        const objects = () => rendered.get(overlay)!;

        it("validates every object against the Kubernetes OpenAPI schemas (kubernetes-models)", async () => {
          assert.ok(objects().length > 20);
          for (const object of objects()) {
            await validate(object).catch((error: Error) => assert.fail(`${object.kind} ${object.metadata.name}: ${error.message}`));
          }
          // And the models do catch a broken object.
          await assert.rejects(validate({ ...named(objects(), "Service", "gateway"), spec: { ports: [{ port: "http" }] } }));
        });

        it("runs every container as non-root on a read-only root filesystem, with probes, requests and limits", () => {
          for (const workload of workloads(objects())) {
            const pod = workload.spec.template.spec;
            const where = `${workload.kind} ${workload.metadata.name}`;
            assert.equal(pod.securityContext?.runAsNonRoot, true, where);
            assert.notEqual(pod.securityContext?.runAsUser, 0, where);
            assert.equal(pod.automountServiceAccountToken, false, where);
            for (const container of pod.containers) {
              const security = container.securityContext ?? {};
              assert.equal(security.readOnlyRootFilesystem, true, `${where}: read-only root filesystem`);
              assert.equal(security.allowPrivilegeEscalation, false, where);
              assert.notEqual(security.runAsUser, 0, where);
              assert.ok(security.capabilities?.drop?.includes("ALL"), `${where}: drops every capability`);
              for (const kind of ["requests", "limits"]) {
                assert.ok(container.resources?.[kind]?.cpu && container.resources?.[kind]?.memory, `${where}: cpu and memory ${kind}`);
              }
              assert.match(container.image, /^(.+\/)?solo-supergraph:[\w.-]+$/, `${where}: the platform's image, tagged`);
              assert.doesNotMatch(container.image, /:latest$/, where);
              const env = environment(objects(), container);
              assert.equal(env.get("MIGRATE_ON_START"), "false", `${where}: never migrates itself`);
              // The writable places of a read-only pod: SOLO_DATA_DIR and /tmp, each an emptyDir.
              for (const dir of [env.get("SOLO_DATA_DIR"), "/tmp"]) {
                const mount = container.volumeMounts?.find((candidate: { mountPath: string }) => candidate.mountPath === dir);
                assert.ok(mount, `${where}: ${dir} is mounted`);
                assert.ok(pod.volumes.find((volume: { name: string }) => volume.name === mount.name)?.emptyDir, `${where}: ${dir} is an emptyDir`);
              }
              const grace = (pod.terminationGracePeriodSeconds ?? 30) * 1000;
              assert.ok(
                grace > Number(env.get("SHUTDOWN_DELAY_MS")) + Number(env.get("SHUTDOWN_TIMEOUT_MS")),
                `${where}: the grace period outlasts the delay and the drain`,
              );
              if (!container.ports?.length) continue;
              const port = container.ports[0];
              assert.equal(env.get("PORT"), String(port.containerPort), where);
              assert.equal(env.get("HOST"), "0.0.0.0", where);
              for (const [probe, probePath] of [
                ["startupProbe", "/health"],
                ["readinessProbe", "/ready"],
                ["livenessProbe", "/health"],
              ]) {
                assert.equal(container[probe]?.httpGet?.path, probePath, `${where}: ${probe}`);
                assert.ok([port.name, port.containerPort].includes(container[probe].httpGet.port), `${where}: ${probe} on its port`);
              }
            }
          }
        });

        it("deploys the gateway, the registry, every subgraph of rover.yaml and every worker of their descriptors", () => {
          const deployment = (name: string) => named(objects(), "Deployment", name);
          const main = (name: string) => deployment(name).spec.template.spec.containers[0];
          const config = generated(objects(), "ConfigMap", "solo-config")!;
          const serviceTo = (name: string, port: number) => {
            const service = named(objects(), "Service", name);
            assert.ok(selects({ matchLabels: service.spec.selector }, deployment(name).spec.template.metadata.labels), `Service ${name} selects its pods`);
            assert.equal(service.spec.ports[0].port, port, `Service ${name}'s port`);
            assert.ok([main(name).ports[0].name, port].includes(service.spec.ports[0].targetPort), `Service ${name}'s target port`);
          };

          assert.deepEqual(main("gateway").command, ["node", "gateway/dist/src/index.js"]);
          serviceTo("gateway", 4000);
          const gatewayEnv = environment(objects(), main("gateway"));
          assert.equal(gatewayEnv.get("SUPERGRAPH_SOURCE"), "registry");
          assert.equal(gatewayEnv.get("REGISTRY_URL"), "http://registry:4100");
          assert.equal(gatewayEnv.get("REGISTRY_TRUST_ROUTING_URLS"), "false");
          assert.deepEqual(main("registry").command, ["node", "registry/dist/src/index.js"]);
          serviceTo("registry", 4100);

          const entries = readSubgraphs(root);
          assert.ok(entries.length > 0);
          for (const entry of entries) {
            assert.deepEqual(main(entry.name).command, ["node", "packages/kit/dist/src/serve.js", entry.name]);
            assert.equal(main(entry.name).ports[0].containerPort, entry.port);
            serviceTo(entry.name, entry.port);
            // Every service finds it at its Service (the gateway needs each, REGISTRY_TRUST_ROUTING_URLS being false).
            assert.equal(config.data[subgraphUrlVariable(entry.name)], serviceUrl(entry), `${subgraphUrlVariable(entry.name)} in solo-config`);
            for (const worker of loadSubgraph(entry.dir, root).workers ?? []) {
              const name = `${entry.name}-${worker.name}`;
              assert.deepEqual(main(name).command, ["node", "packages/kit/dist/src/work.js", entry.name, worker.name]);
              assert.equal(main(name).ports, undefined, `${name} serves nothing`);
            }
          }
          const known = new Set(["gateway", "registry", ...entries.map((entry) => entry.name)]);
          for (const service of byKind(objects(), "Service")) assert.ok(known.has(service.metadata.name), `Service ${service.metadata.name} is one of the platform's`);
        });

        it("scales the gateway and each subgraph with an autoscaler, and bounds disruptions of every Deployment", () => {
          const autoscalers = byKind(objects(), "HorizontalPodAutoscaler");
          const budgets = byKind(objects(), "PodDisruptionBudget");
          for (const name of ["gateway", ...readSubgraphs(root).map((entry) => entry.name)]) {
            const autoscaler = autoscalers.find((candidate) => candidate.spec.scaleTargetRef.kind === "Deployment" && candidate.spec.scaleTargetRef.name === name);
            assert.ok(autoscaler, `an autoscaler for ${name}`);
            assert.ok(autoscaler.spec.minReplicas >= (overlay === "prod" ? 2 : 1) && autoscaler.spec.maxReplicas > autoscaler.spec.minReplicas, `${name}: its bounds`);
            assert.equal(named(objects(), "Deployment", name).spec.replicas, undefined, `${name}: its autoscaler owns the count`);
          }
          for (const deployment of byKind(objects(), "Deployment")) {
            const labels = deployment.spec.template.metadata.labels;
            const budget = budgets.filter((candidate) => selects(candidate.spec.selector, labels));
            assert.equal(budget.length, 1, `one PodDisruptionBudget for ${deployment.metadata.name}`);
            assert.ok(budget[0].spec.maxUnavailable !== undefined || budget[0].spec.minAvailable !== undefined);
          }
        });

        it("migrates in a Job before the rollout (Argo CD: a Sync hook in an earlier wave), with DATABASE_URL alone", () => {
          const job = named(objects(), "Job", "migrate");
          const pod = job.spec.template.spec;
          assert.deepEqual(pod.containers[0].command, ["node", "tools/dist/src/migrate.js"]);
          assert.equal(pod.restartPolicy, "Never");
          assert.equal(job.metadata.annotations?.["argocd.argoproj.io/hook"], "Sync");
          assert.equal(job.metadata.annotations?.["argocd.argoproj.io/hook-delete-policy"], "BeforeHookCreation");
          // Argo CD's waves (unannotated: 0): settings and Secrets, migrations, services, publication, gateway.
          const wave = (object: K8sObject) => Number(object.metadata.annotations?.["argocd.argoproj.io/sync-wave"] ?? 0);
          const publish = named(objects(), "Job", "publish");
          const settings = [generated(objects(), "ConfigMap", "solo-config")!, ...byKind(objects(), "Secret")];
          const services = byKind(objects(), "Deployment").filter((deployment) => deployment.metadata.name !== "gateway");
          assert.ok(Math.max(...settings.map(wave)) < wave(job), "the Job migrates after the settings it reads are applied");
          assert.ok(wave(job) < Math.min(...services.map(wave)), "and before the services roll out");
          assert.ok(
            Math.max(...services.map(wave)) < wave(publish) && wave(publish) < wave(named(objects(), "Deployment", "gateway")),
            "the schema is published before the gateway rolls out",
          );
          assert.deepEqual(
            pod.containers[0].env.map((variable: { name: string }) => variable.name),
            ["DATABASE_URL"],
          );
          assert.equal(pod.containers[0].env[0].valueFrom.secretKeyRef.key, "DATABASE_URL");
          assert.ok(!pod.containers[0].envFrom.some((source: { secretRef?: unknown }) => source.secretRef), "no keys");
          assert.deepEqual(publish.spec.template.spec.containers[0].command, ["node", "tools/dist/src/publish-schema.js"]);
          assert.equal(publish.metadata.annotations?.["argocd.argoproj.io/hook"], "Sync");
        });

        it("lets only the gateway (and, for /internal, the platform's services) reach a subgraph", () => {
          const policies = byKind(objects(), "NetworkPolicy");
          const namespace = named(objects(), "Deployment", "gateway").metadata.namespace!;
          const podLabels = (name: string) => named(objects(), "Deployment", name).spec.template.metadata.labels as Record<string, string>;
          const inside = (labels: Record<string, string>): Source => ({ labels, namespace, namespaceLabels: { "kubernetes.io/metadata.name": namespace } });
          const stranger = inside({ app: "something-else" });
          const elsewhere: Source = { labels: podLabels("gateway"), namespace: "other", namespaceLabels: { "kubernetes.io/metadata.name": "other" } };
          const prometheus: Source = {
            labels: { "app.kubernetes.io/name": "prometheus" },
            namespace: "monitoring",
            namespaceLabels: { "kubernetes.io/metadata.name": "monitoring" },
          };
          const migrations = inside(named(objects(), "Job", "migrate").spec.template.metadata.labels);

          assert.ok(
            policies.some((policy) => Object.keys(policy.spec.podSelector).length === 0 && policy.spec.policyTypes.includes("Ingress") && !policy.spec.ingress?.length),
            "a default-deny ingress policy",
          );
          assert.ok(admits(policies, namespace, podLabels("gateway"), 4000, stranger), "anyone reaches the gateway");
          assert.ok(admits(policies, namespace, podLabels("gateway"), 4000, elsewhere), "the ingress controller reaches the gateway");
          assert.ok(admits(policies, namespace, podLabels("registry"), 4100, elsewhere), "partners reach the registry");
          assert.ok(!admits(policies, namespace, podLabels("gateway"), 9229, stranger), "only on its port");

          const callers = [
            inside(podLabels("registry")),
            ...subgraphs.flatMap((subgraph) => [inside(podLabels(subgraph.name)), ...subgraph.workers.map((worker) => inside(podLabels(`${subgraph.name}-${worker}`)))]),
          ];
          for (const subgraph of subgraphs) {
            const target = podLabels(subgraph.name);
            assert.ok(admits(policies, namespace, target, subgraph.port, inside(podLabels("gateway"))), `the gateway reaches ${subgraph.name}`);
            assert.ok(admits(policies, namespace, target, subgraph.port, prometheus), `Prometheus scrapes ${subgraph.name}`);
            for (const outsider of [stranger, elsewhere, migrations])
              assert.ok(!admits(policies, namespace, target, subgraph.port, outsider), `${subgraph.name} is closed to ${JSON.stringify(outsider.labels)}`);
            for (const caller of callers) {
              assert.equal(
                admits(policies, namespace, target, subgraph.port, caller),
                subgraph.servesInternalRoutes,
                `${caller.labels["app.kubernetes.io/name"]} → ${subgraph.name} (serves /internal: ${subgraph.servesInternalRoutes})`,
              );
            }
          }
          assert.ok(
            subgraphs.some((subgraph) => subgraph.servesInternalRoutes),
            "some subgraph serves /internal routes",
          );
          for (const subgraph of subgraphs) {
            for (const worker of subgraph.workers)
              assert.ok(!admits(policies, namespace, podLabels(`${subgraph.name}-${worker}`), 4000, stranger), "workers take nothing");
          }
        });

        it("holds secret values only in dev, and names every Secret it reads", () => {
          const referenced = new Map<string, Set<string>>();
          for (const workload of workloads(objects())) {
            for (const container of workload.spec.template.spec.containers) {
              for (const source of container.envFrom ?? [])
                if (source.secretRef) referenced.set(source.secretRef.name, referenced.get(source.secretRef.name) ?? new Set());
              for (const variable of container.env ?? []) {
                const ref = variable.valueFrom?.secretKeyRef;
                if (ref) referenced.set(ref.name, (referenced.get(ref.name) ?? new Set()).add(ref.key));
                else assert.doesNotMatch(variable.name, SECRET_NAME, `${workload.metadata.name}: ${variable.name} is a literal`);
              }
            }
          }
          const config = generated(objects(), "ConfigMap", "solo-config")!;
          for (const name of Object.keys(config.data)) assert.doesNotMatch(name, SECRET_NAME, `solo-config holds ${name}`);
          for (const value of Object.values(config.data)) assert.doesNotMatch(String(value), /:\/\/[^/@\s]+:[^/@\s]+@/, "no credentials in a URL of solo-config");

          if (overlay === "prod") {
            assert.deepEqual(byKind(objects(), "Secret"), [], "prod renders no Secret");
            assert.doesNotMatch(YAML.stringify(objects()), /BEGIN (PRIVATE|PUBLIC) KEY/);
            assert.deepEqual([...referenced.keys()].sort(), Object.keys(PRODUCTION_SECRETS).sort());
            // Its kustomization says how to create each, with every key production needs.
            const instructions = fs.readFileSync(path.join(root, "deploy", "k8s", "overlays", "prod", "kustomization.yaml"), "utf8");
            for (const [name, keys] of Object.entries(PRODUCTION_SECRETS)) {
              assert.match(instructions, new RegExp(`create secret generic ${name} `), `how to create ${name}`);
              for (const key of keys) assert.match(instructions, new RegExp(`--from-literal=${key}=`), `${name} documents ${key}`);
            }
            assert.equal(config.data.NODE_ENV, "production");
            assert.ok(config.data.PUBLIC_APP_URL, "PUBLIC_APP_URL (required in production)");
          } else {
            for (const [name, keys] of referenced) {
              const secret = generated(objects(), "Secret", name);
              assert.ok(secret, `the dev Secret ${name} is generated`);
              for (const key of keys) assert.ok(secret.data?.[key], `${name} holds ${key}`);
            }
            const keys = generated(objects(), "Secret", "solo-keys")!;
            for (const key of PRODUCTION_SECRETS["solo-keys"]) assert.ok(keys.data[key], `dev keys hold ${key}`);
          }
        });
      });
    }

    it("deploy/k8s/rollout.sh runs the migration Job to its end before it applies the services, and stops when it fails", () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "solo-rollout-"));
      try {
        const log = path.join(dir, "calls.log");
        const stub = path.join(dir, "kubectl");
        // A kubectl that renders for real and otherwise notes each call; JOB_OUTCOME says how the migration Job ends.
        fs.writeFileSync(
          stub,
          [
            "#!/usr/bin/env bash",
            `[ "$1" = kustomize ] && exec ${kubectl} "$@"`,
            `echo "$*" >> ${JSON.stringify(log)}`,
            'case "$*" in',
            '  *"wait job/migrate --for=condition=complete"*) [ "$JOB_OUTCOME" = complete ] && exit 0; exec sleep 30 ;;',
            '  *"wait job/migrate --for=condition=failed"*) [ "$JOB_OUTCOME" = failed ] && exit 0; exec sleep 30 ;;',
            '  *"wait job/publish --for=condition=complete"*) exit 0 ;;',
            '  *"wait job/publish --for=condition=failed"*) exec sleep 30 ;;',
            '  *"get deployments -l app.kubernetes.io/component="*) all="$*"; echo "deployment.apps/${all##*component=}" | cut -d" " -f1 ;;',
            "esac",
            "exit 0",
          ].join("\n"),
          { mode: 0o755 },
        );
        const rollout = (outcome: string) => {
          fs.rmSync(log, { force: true });
          const result = spawnSync(path.join(root, "deploy", "k8s", "rollout.sh"), [path.join(root, "deploy", "k8s", "overlays", "prod")], {
            encoding: "utf8",
            env: { ...process.env, KUBECTL: stub, JOB_OUTCOME: outcome, TIMEOUT: "1m" },
            timeout: 20_000,
          });
          return { status: result.status, output: result.stdout + result.stderr, calls: fs.readFileSync(log, "utf8").trim().split("\n") };
        };

        const done = rollout("complete");
        assert.equal(done.status, 0, done.output);
        const at = (pattern: RegExp) => {
          const index = done.calls.findIndex((call) => pattern.test(call));
          assert.ok(index >= 0, `${pattern} in ${done.calls.join("\n")}`);
          return index;
        };
        const config = at(/^apply .* -l app\.kubernetes\.io\/component=config$/);
        const deleteJob = at(/^-n solo delete job migrate/);
        const applyJob = at(/^apply .* -l app\.kubernetes\.io\/component=migrate$/);
        const waitJob = at(/wait job\/migrate --for=condition=complete/);
        const services = at(/^apply .* -l app\.kubernetes\.io\/component notin \(migrate,publish,config\)$/);
        const publish = at(/^apply .* -l app\.kubernetes\.io\/component=publish$/);
        const gateway = at(/rollout status deployment\.apps\/gateway/);
        assert.ok(
          config < deleteJob && deleteJob < applyJob && applyJob < waitJob && waitJob < services && services < publish && publish < gateway,
          done.calls.join("\n"),
        );

        const failed = rollout("failed");
        assert.notEqual(failed.status, 0);
        assert.match(failed.output, /job\/migrate failed/);
        assert.ok(!failed.calls.some((call) => /component notin/.test(call)), "no service is applied after a failed migration");
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("the Dockerfile", () => {
    /** Its instructions by stage, continuation lines joined, comments dropped. */
    const stages: { from: string; name?: string; instructions: { op: string; args: string }[] }[] = [];
    before(() => {
      const text = fs.readFileSync(path.join(root, "Dockerfile"), "utf8");
      const lines = text
        .split("\n")
        .filter((line) => !/^\s*#/.test(line))
        .join("\n")
        .replace(/\\\n/g, " ")
        .split("\n")
        .filter((line) => line.trim());
      for (const line of lines) {
        const [, op, args] = /^\s*(\w+)\s+(.*)$/.exec(line)!;
        if (op.toUpperCase() === "FROM") {
          const [, image, name] = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(args)!;
          stages.push({ from: image, name, instructions: [] });
        } else stages.at(-1)!.instructions.push({ op: op.toUpperCase(), args: args.trim() });
      }
    });
    const final = () => stages.at(-1)!;
    const stage = (name: string) => stages.find((candidate) => candidate.name === name)!;

    it("builds in stages, each on node:24-slim", () => {
      assert.ok(stages.length >= 2, "multi-stage");
      for (const { from } of stages) assert.equal(from, "node:24-slim");
    });

    it("runs as a non-root user, in production mode", () => {
      const users = final().instructions.filter((instruction) => instruction.op === "USER");
      assert.ok(users.length, "USER in the final stage");
      const user = users.at(-1)!.args.split(":")[0];
      assert.ok(!["root", "0"].includes(user), `USER ${user}`);
      const afterUser = final().instructions.slice(final().instructions.indexOf(users.at(-1)!));
      assert.ok(!afterUser.some((instruction) => instruction.op === "RUN"), "nothing runs as root after USER");
      assert.ok(final().instructions.some((instruction) => instruction.op === "ENV" && /NODE_ENV=production/.test(instruction.args)));
    });

    it("ships production dependencies only, and no sources or tests", () => {
      assert.ok(!final().instructions.some((instruction) => instruction.op === "RUN" && /\bnpm\b/.test(instruction.args)), "the final stage installs nothing");
      const copies = final().instructions.filter((instruction) => instruction.op === "COPY");
      assert.ok(copies.length);
      for (const copy of copies) {
        const [, from, source] = /--from=(\S+)\s+(\S+)/.exec(copy.args) ?? [];
        assert.ok(from, `${copy.args}: from a stage, not the build context`);
        const assembled = source !== "/app" && stage(from).instructions.some((instruction) => instruction.op === "RUN" && instruction.args.includes(source));
        if (!assembled) {
          const installs = stage(from).instructions.filter((instruction) => instruction.op === "RUN" && /\bnpm (ci|install)\b/.test(instruction.args));
          assert.ok(installs.length, `stage ${from} installs the dependencies`);
          // Its node_modules: production dependencies only.
          for (const install of installs) assert.match(install.args, /--omit=dev/, `stage ${from}: ${install.args}`);
          assert.ok(
            !stage(from).instructions.some(
              (instruction) => instruction.op === "COPY" && !/--from=/.test(instruction.args) && !/package-lock\.json/.test(instruction.args),
            ),
            `stage ${from} copies manifests only`,
          );
        } else {
          // The build stage's selection: compiled code and what the processes read, without node_modules or tests.
          assert.notEqual(source, "/app", `${copy.args}: not the whole build`);
          const selection = stage(from).instructions.filter((instruction) => instruction.op === "RUN" && instruction.args.includes(source));
          assert.ok(selection.length, `stage ${from} assembles ${source}`);
          for (const run of selection) {
            assert.doesNotMatch(run.args, /node_modules/);
            assert.match(run.args, /dist\/test/, "it drops the compiled tests");
          }
        }
      }
    });

    it("holds every entry point the manifests and docker-compose.yml start", () => {
      const selection = stage("build").instructions.find((instruction) => instruction.op === "RUN" && instruction.args.includes("/runtime"))!.args;
      const workspaces = /for workspace in ([^;]+);/.exec(selection)![1].trim().split(/\s+/);
      const shipped = (file: string) =>
        workspaces.some(
          (workspace) => (workspace.endsWith("/*") ? file.startsWith(workspace.slice(0, -1)) : file.startsWith(`${workspace}/`)) && file.includes("/dist/src/"),
        );
      const compose = YAML.parse(fs.readFileSync(path.join(root, "docker-compose.yml"), "utf8"), { merge: true }) as { services: Record<string, { command?: string[] }> };
      const commands = [
        ...Object.values(compose.services).flatMap((service) => (service.command?.[0] === "node" ? [service.command] : [])),
        ...(kubectl ? workloads(render("prod")).map((workload) => workload.spec.template.spec.containers[0].command as string[]) : []),
      ];
      assert.ok(commands.length > 5);
      for (const command of commands) {
        assert.equal(command[0], "node");
        assert.ok(shipped(command[1]), `${command[1]} is in the image`);
        assert.ok(fs.existsSync(path.join(root, command[1].replace("/dist/src/", "/src/").replace(/\.js$/, ".ts"))), `${command[1]} is built from a source`);
      }
    });
  });
});
