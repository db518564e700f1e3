#!/usr/bin/env bash
# End to end through the images, where a Docker engine exists (docs/deploy.md): builds the image,
# starts docker-compose.yml with nothing set (a newcomer's `docker compose up --build`), waits for
# every container to be healthy, runs `npm run sample` unchanged against it (signed HubSpot
# delivery → edge → Kafka → processors, enriched from the HubSpot fake → MySQL → events-api, the
# dispatcher's relay to an endpoint on this machine, the CRM deal's actions at the Meta and Brevo
# fakes), reads the HubSpot events back from events-api itself, then scales to 3 processors and 2
# dispatchers and runs the sample again. Not part of npm test.
#
#   scripts/compose-e2e.sh            build, run, check, then `docker compose down -v`
#   KEEP=1 scripts/compose-e2e.sh     leave the stack running afterwards
#
# Exit codes: 0 passed, 1 failed (container logs are printed), 3 no Docker engine here.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[compose-e2e] %s\n' "$*" >&2; }

if ! command -v docker >/dev/null 2>&1; then
  say "no docker command on this machine: nothing was run (the static checks in npm test cover the Dockerfile and docker-compose.yml)"
  exit 3
fi
if ! docker info >/dev/null 2>&1; then
  say "docker is installed but no Docker engine answers (docker info failed): nothing was run"
  exit 3
fi
if ! docker compose version >/dev/null 2>&1; then
  say "the Compose plugin is missing (docker compose version failed): nothing was run"
  exit 3
fi

PROJECT="${COMPOSE_PROJECT_NAME:-hookstream-e2e}"
compose() { docker compose -p "$PROJECT" -f docker-compose.yml "$@"; }
TOKEN=hookstream-local-events-token

finish() {
  local code=$?
  if [ "$code" -ne 0 ]; then
    say "FAILED (exit $code); the containers' last log lines:"
    compose ps -a >&2 || true
    compose logs --no-color --tail 80 >&2 || true
  fi
  if [ "${KEEP:-}" = "1" ]; then
    say "KEEP=1: the stack is still running (docker compose -p $PROJECT down -v to remove it)"
  else
    compose down -v --remove-orphans >/dev/null 2>&1 || true
  fi
  exit "$code"
}
trap finish EXIT

# Every container of these services healthy (the one-shot migrate: exited 0), within $2 seconds.
wait_healthy() {
  local want_processors=$1 want_dispatchers=$2 deadline=$((SECONDS + $3))
  while [ "$SECONDS" -lt "$deadline" ]; do
    local ok=1
    for svc in kafka mysql fakes edge processor events-api dispatcher; do
      local ids
      ids=$(compose ps -q "$svc")
      local want=1
      [ "$svc" = processor ] && want=$want_processors
      [ "$svc" = dispatcher ] && want=$want_dispatchers
      local n=0
      for id in $ids; do
        [ "$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$id")" = healthy ] && n=$((n + 1))
      done
      [ "$n" -eq "$want" ] || ok=0
    done
    local migrate
    migrate=$(compose ps -a -q migrate)
    if [ -n "$migrate" ] && [ "$(docker inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$migrate")" = "exited 1" ]; then
      say "the migration failed"
      return 1
    fi
    [ "$ok" -eq 1 ] && return 0
    sleep 3
  done
  say "not every container became healthy within $3 s"
  return 1
}

say "building the image and starting the stack (project $PROJECT)"
compose up -d --build
wait_healthy 2 1 300
say "all healthy: 2 processors, 1 dispatcher"

say "npm run sample (unchanged) against the stack"
npm run sample

say "events-api, read directly: the sample's HubSpot events, enriched from the fake"
page=$(curl -fsS -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:8081/events?portalId=62515&limit=100")
enriched=$(printf '%s' "$page" | grep -o '"state":"enriched"' | wc -l)
if [ "$enriched" -lt 3 ]; then
  say "expected at least 3 enriched events, found $enriched: $page"
  exit 1
fi
say "$enriched enriched events"

say "scaling to 3 processors and 2 dispatchers"
PROCESSOR_REPLICAS=3 DISPATCHER_REPLICAS=2 compose up -d
wait_healthy 3 2 180
say "npm run sample again, with the larger fleet"
npm run sample

say "passed"
