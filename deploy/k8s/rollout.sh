#!/usr/bin/env bash
# Rolls the platform out with plain kubectl, in the order it needs (Argo CD follows the same order
# from the Jobs' hook annotations instead):
#   1. the namespace, the settings, the (dev) Secrets and the NetworkPolicies;
#   2. the migration Job, alone, and its end: every migration of the new version is applied;
#   3. everything else: the Deployments roll, each new pod ready once its database is;
#   4. the schema publication Job, once the registry and the subgraphs have rolled out (the gateway
#      then takes the new supergraph from the registry), and the gateway's rollout.
# Services run with MIGRATE_ON_START=false: they never migrate, and a new pod is not ready before
# the Job has applied what it needs. A rollout that skips step 2 (a bare `kubectl apply -k`) stalls
# with the old pods serving; it does not run new code on an old schema.
#
#   deploy/k8s/rollout.sh deploy/k8s/overlays/prod     (or overlays/dev)
# KUBECTL (default kubectl) and TIMEOUT (default 15m, for each wait) may be set.
set -euo pipefail

overlay=${1:?"usage: $0 <overlay folder, e.g. deploy/k8s/overlays/prod>"}
kubectl=${KUBECTL:-kubectl}
timeout=${TIMEOUT:-15m}
rendered=$(mktemp)
trap 'rm -f "$rendered"' EXIT
$kubectl kustomize "$overlay" >"$rendered"
# The overlay's namespace: every namespaced object of the render is in it.
namespace=$(sed -n 's/^  namespace: //p' "$rendered" | head -n 1)
namespace=${namespace:-default}
k() { $kubectl -n "$namespace" "$@"; }
component() { echo "app.kubernetes.io/component=$1"; }

# Waits for job/$1 to complete; fails as soon as it has failed (its backoffLimit spent), or at the timeout.
wait_for_job() {
  # Two waits at once (kubectl waits for one condition); not through k(), so that each pid is kubectl's own.
  $kubectl -n "$namespace" wait "job/$1" --for=condition=complete --timeout="$timeout" >/dev/null &
  local complete=$!
  $kubectl -n "$namespace" wait "job/$1" --for=condition=failed --timeout="$timeout" >/dev/null 2>&1 &
  local failed=$!
  wait -n "$complete" "$failed" || true
  if ! kill -0 "$complete" 2>/dev/null && wait "$complete"; then
    kill "$failed" 2>/dev/null || true
    echo "job/$1 complete"
    return 0
  fi
  kill "$complete" "$failed" 2>/dev/null || true
  echo "job/$1 failed or did not complete within $timeout: kubectl -n $namespace logs job/$1" >&2
  return 1
}

# A Job cannot be changed once created: the previous run's goes first (its pods with it).
run_job() {
  k delete job "$1" --ignore-not-found --wait=true
  $kubectl apply -f "$rendered" -l "$(component "$1")"
  wait_for_job "$1"
}

rollout_status() {
  for deployment in $(k get deployments -l "$(component "$1")" -o name); do
    k rollout status "$deployment" --timeout="$timeout"
  done
}

echo "▸ namespace, settings, secrets, network policies"
$kubectl apply -f "$rendered" -l "$(component config)"
echo "▸ migrations"
run_job migrate
echo "▸ services"
$kubectl apply -f "$rendered" -l 'app.kubernetes.io/component notin (migrate,publish,config)'
rollout_status registry
rollout_status subgraph
rollout_status worker
echo "▸ schema"
run_job publish
rollout_status gateway
echo "▸ rolled out"
