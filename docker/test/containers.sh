#!/usr/bin/env bash
# The image and the Compose run for real, on a Debian machine, as root, with no container registry:
#   1. installs docker.io and debootstrap with apt-get, and Compose v2 (see compose_plugin);
#   2. starts a private dockerd (its own data dir and socket; no iptables, no default bridge);
#   3. makes a Node 20 base image from Debian packages and this machine's node and npm;
#   4. builds docker/Dockerfile on it and checks the image (non-root, health check, --version);
#   5. runs docker/compose.yaml with 2 workers, and a third with the settings of the Kubernetes
#      worker pod (docker/k8s/worker-deployment.yaml: its args, env, user, read-only root,
#      dropped capabilities, limits, ConfigMap and emptyDir volumes) under `docker run`: the
#      master's CSV totals must equal the number of requests the mock target answered;
#   6. runs it again and kills a worker container mid-run: the run must still end with exit
#      code 0 and complete CSVs, the loss in the master's log;
# then removes what it made, stops dockerd by its PID, and checks that the machine's firewall,
# ip_forward, links and mounts are as they were.
#
#   npm run test:containers        (or: bash docker/test/containers.sh)
#
# Exit code 0 when every step passed; else 1, and the last line names the step that failed
# (the full log is in test-output/containers.log).
set -Eeuo pipefail
if [ "$(id -u)" != 0 ]; then
  echo "containers: FAILED at step: starting (must run as root: apt-get, dockerd, debootstrap)" >&2
  exit 1
fi

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
START=$SECONDS
mkdir -p "$ROOT/test-output"
LOG="$ROOT/test-output/containers.log"
: >"$LOG"
WORK=$(mktemp -d /var/tmp/locusta-containers.XXXXXX)
export DOCKER_HOST="unix://$WORK/docker.sock"
export DOCKER_CONFIG="$WORK/config"
# The classic builder: BuildKit needs the buildx plugin, which Debian's docker.io lacks.
export DOCKER_BUILDKIT=0
# Compose: its own project name, and the variables of docker/compose.yaml.
PROJECT=locusta-containers-test
IMAGE=locusta:containers-test
BASE_IMAGE=locusta-test/node:20
COMPOSE=(docker compose -p "$PROJECT" -f "$ROOT/docker/compose.yaml")
STEP=starting
DOCKERD_PID=
DEBOOTSTRAP_PID=

say() { printf 'containers: [%3ds] %s\n' $((SECONDS - START)) "$*"; }
step() {
  STEP=$1
  say "$STEP"
  printf '\n=== %s\n' "$STEP" >>"$LOG"
}
# Runs a command with its output in the log only.
quiet() { "$@" >>"$LOG" 2>&1; }
fail() {
  echo "$*" >>"$LOG"
  echo "containers: $*" >&2
  return 1
}

# --- What the machine looks like before: restored and compared at the end ---------------------
machine_state() {
  # Firewall rules (without packet counters), forwarding, network links and mounts.
  if command -v iptables-save >/dev/null 2>&1; then iptables-save 2>/dev/null | grep -v '^#' | sed 's/\[[0-9]*:[0-9]*\]//'; fi
  echo "ip_forward=$(cat /proc/sys/net/ipv4/ip_forward)"
  docker_links
  awk '{print $2}' /proc/mounts | grep -F "$WORK" || true
}
# The links a daemon makes: bridges of its networks and the veth ends of its containers.
docker_links() { ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -E '^(br-|veth|docker)' | sort || true; }
IP_FORWARD=$(cat /proc/sys/net/ipv4/ip_forward)
LINKS_BEFORE=$(docker_links)

cleanup() {
  if [ -n "$DEBOOTSTRAP_PID" ] && kill -0 "$DEBOOTSTRAP_PID" 2>/dev/null; then
    kill "$DEBOOTSTRAP_PID" 2>/dev/null || true
    wait "$DEBOOTSTRAP_PID" 2>/dev/null || true
  fi
  if [ -n "$DOCKERD_PID" ] && kill -0 "$DOCKERD_PID" 2>/dev/null; then
    "${COMPOSE[@]}" down --volumes --remove-orphans --timeout 5 >>"$LOG" 2>&1 || true
    docker ps -aq 2>/dev/null | xargs -r docker rm -f >>"$LOG" 2>&1 || true
    kill "$DOCKERD_PID" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$DOCKERD_PID" 2>/dev/null || true
  fi
  # What a killed daemon may leave: mounts under its data dir, bridges of its networks.
  awk '{print $2}' /proc/mounts | grep -F "$WORK" | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  for link in $(comm -13 <(echo "$LINKS_BEFORE") <(docker_links)); do
    ip link delete "$link" 2>/dev/null || true
  done
  echo "$IP_FORWARD" >/proc/sys/net/ipv4/ip_forward 2>/dev/null || true
  rm -rf "$WORK"
}

on_exit() {
  local rc=$?
  trap - EXIT
  cleanup
  if [ "$rc" -ne 0 ]; then
    echo "---- last lines of $LOG" >&2
    tail -n 25 "$LOG" >&2
    echo "containers: FAILED at step: $STEP (log: $LOG)" >&2
    exit 1
  fi
}
trap on_exit EXIT
trap 'exit 1' INT TERM

# --- 1. Packages ------------------------------------------------------------------------------

step "install docker.io and debootstrap"
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  quiet apt-get update -qq
  quiet apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}"
fi
command -v docker >/dev/null 2>&1 || fail "no docker CLI after installing docker.io"
BEFORE=$(machine_state)

# The Debian mirror this machine uses (for debootstrap and Compose).
MIRROR=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
  grep -oE '(https?)://[^ ]+/debian/?( |$)' | grep -v security | head -n1 | tr -d ' ' || true)
MIRROR=${MIRROR:-http://deb.debian.org/debian}

# Compose v2: bookworm's docker-compose is 1.29, which refuses a top-level `name:`. The plugin
# comes from the next Debian release's package, fetched with an apt configuration of its own
# (the system's sources, lists and cache are not touched) and unpacked into $DOCKER_CONFIG.
compose_plugin() {
  local apt=$WORK/apt
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$DOCKER_CONFIG/cli-plugins"
  echo "deb $MIRROR trixie main" >"$apt/sources.list"
  local opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o APT::Get::List-Cleanup=0 -o APT::Sandbox::User=root)
  quiet apt-get "${opts[@]}" update -qq
  (cd "$apt" && quiet apt-get "${opts[@]}" download docker-compose)
  dpkg-deb -x "$apt"/docker-compose_*.deb "$apt/deb"
  cp "$apt/deb/usr/libexec/docker/cli-plugins/docker-compose" "$DOCKER_CONFIG/cli-plugins/"
}
# The base image's root filesystem, made while Compose is fetched and dockerd starts.
ROOTFS=$WORK/rootfs
debootstrap --variant=minbase bookworm "$ROOTFS" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 &
DEBOOTSTRAP_PID=$!

step "install Compose v2"
mkdir -p "$DOCKER_CONFIG"
if ! docker compose version >/dev/null 2>&1; then compose_plugin; fi
quiet docker compose version || fail "docker compose does not run"

# --- 2. The engine ----------------------------------------------------------------------------

step "start dockerd"
# No iptables and no default bridge: the daemon leaves the machine's firewall and forwarding
# alone (network-namespace tests run on the same machine). Containers of one Compose network
# still reach each other over its bridge; builds use the host's network.
dockerd --data-root "$WORK/data" --exec-root "$WORK/exec" --pidfile "$WORK/dockerd.pid" \
  --host "$DOCKER_HOST" --iptables=false --ip-forward=false --bridge=none \
  >"$WORK/dockerd.log" 2>&1 &
DOCKERD_PID=$!
for _ in $(seq 150); do
  docker info >/dev/null 2>&1 && break
  kill -0 "$DOCKERD_PID" 2>/dev/null || { cat "$WORK/dockerd.log" >>"$LOG"; fail "dockerd exited"; }
  sleep 0.2
done
docker info >/dev/null 2>&1 || { cat "$WORK/dockerd.log" >>"$LOG"; fail "dockerd did not answer in 30 s"; }

# --- 3. A Node 20 base image without a registry -----------------------------------------------

step "base image (debootstrap $MIRROR, node $(node --version))"
wait "$DEBOOTSTRAP_PID" || { cat "$WORK/debootstrap.log" >>"$LOG"; fail "debootstrap failed"; }
DEBOOTSTRAP_PID=
cat "$WORK/debootstrap.log" >>"$LOG"
# Docs, manuals, translations and apt's lists: not needed to run Node.
rm -rf "$ROOTFS"/usr/share/doc/* "$ROOTFS"/usr/share/man/* "$ROOTFS"/usr/share/info/* \
  "$ROOTFS"/usr/share/locale/* "$ROOTFS"/var/cache/apt/* "$ROOTFS"/var/lib/apt/lists/*
tar -C "$ROOTFS" -c . | quiet docker import - locusta-test/bookworm:12
rm -rf "$ROOTFS"
# Laid out as the official Node images: node and npm under /usr/local, a `node` user with uid 1000.
# The CA bundle: this machine's outgoing HTTPS may be re-signed by a proxy that npm must trust.
BASE=$WORK/base
NPM_DIR=$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)
mkdir -p "$BASE"
cp "$(readlink -f "$(command -v node)")" "$BASE/node"
cp -r "$NPM_DIR" "$BASE/npm"
cp /etc/ssl/certs/ca-certificates.crt "$BASE/"
cat >"$BASE/Dockerfile" <<'EOF'
FROM locusta-test/bookworm:12
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --create-home node
CMD ["node"]
EOF
quiet docker build -t "$BASE_IMAGE" "$BASE"
rm -rf "$BASE"

# --- 4. The image -----------------------------------------------------------------------------

step "build docker/Dockerfile"
# --network=host: the build reaches the npm registry without the daemon's NAT.
quiet docker build --network=host -f "$ROOT/docker/Dockerfile" --build-arg "NODE_IMAGE=$BASE_IMAGE" -t "$IMAGE" "$ROOT"
SIZE=$(docker image inspect -f '{{.Size}}' "$IMAGE")
BASE_SIZE=$(docker image inspect -f '{{.Size}}' "$BASE_IMAGE")
say "image $((SIZE / 1000000)) MB ($(((SIZE - BASE_SIZE) / 1000000)) MB over the $((BASE_SIZE / 1000000)) MB base)"

step "check the image: user, health check, --version"
[ "$(docker image inspect -f '{{.Config.User}}' "$IMAGE")" = node ] || fail "the image's user is not node"
[ "$(docker run --rm --entrypoint id "$IMAGE" -u 2>>"$LOG")" = 1000 ] || fail "the image does not run as uid 1000"
docker image inspect -f '{{json .Config.Healthcheck.Test}}' "$IMAGE" | grep -q -- '--version' || fail "no --version health check"
VERSION=$(docker run --rm "$IMAGE" --version 2>>"$LOG") || fail "locusta --version failed in the image"
echo "$VERSION" | grep -q locusta || fail "unexpected --version output: $VERSION"
# No sources or dev tools in the image.
# ls fails when none is there: only its output counts.
present=$(docker run --rm --entrypoint sh "$IMAGE" -c 'ls -d /opt/locusta/packages/*/src /opt/locusta/node_modules/typescript /opt/locusta/node_modules/vitest 2>/dev/null' 2>>"$LOG" || true)
[ -z "$present" ] || fail "the image holds sources or dev dependencies: $present"

# --- 5. Compose: totals against the target's own count ---------------------------------------

export LOCUSTA_IMAGE=$IMAGE EXPECT_WORKERS=3 USERS=6 SPAWN_RATE=6
LOCUSTA_MASTER_TOKEN=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
export LOCUSTA_MASTER_TOKEN

# The requests the mock target answered on the route the example posts to (its GET /stats).
target_count() {
  "${COMPOSE[@]}" exec -T target node -e '
    fetch("http://127.0.0.1:8000/stats").then((r) => r.json()).then((s) => {
      const byStatus = s.byRoute["POST /v1/chat/completions"] ?? {};
      console.log(Object.values(byStatus).reduce((a, b) => a + b, 0));
    })'
}
# The Aggregated request count of the master's CSV.
csv_total() {
  awk -F, '$2 == "Aggregated" || $2 == "\"Aggregated\"" { gsub(/"/, "", $3); print $3 }' "$1"
}
# Every CSV the master writes, each with a header and, but for failures/exceptions, data.
check_csvs() {
  local prefix=$1
  for f in stats stats_history failures exceptions; do
    [ -s "${prefix}_$f.csv" ] || fail "${prefix}_$f.csv missing or empty"
  done
  [ "$(csv_total "${prefix}_stats.csv")" -gt 0 ] 2>/dev/null || fail "no requests in ${prefix}_stats.csv"
  [ "$(wc -l <"${prefix}_stats_history.csv")" -gt 1 ] || fail "no rows in ${prefix}_stats_history.csv"
}
compose_up() {
  OUT_DIR=$1
  export OUT_DIR
  mkdir -p "$OUT_DIR"
  chown 1000:1000 "$OUT_DIR" # the master runs as the image's user
  quiet "${COMPOSE[@]}" up -d --no-build --scale "worker=$2"
}
# Waits for the master to exit; prints its exit code (compose prints
# `container "ID" exited with status code N`).
master_exit() {
  "${COMPOSE[@]}" wait master 2>&1 | tee -a "$LOG" | tail -n1 | grep -oE '[0-9]+$'
}
wait_log() {
  local service=$1 text=$2
  for _ in $(seq 120); do
    grep -qF -- "$text" <<<"$("${COMPOSE[@]}" logs --no-color "$service" 2>&1)" && return 0
    sleep 0.5
  done
  fail "$service never logged '$text'"
}

step "compose: target, master, 2 workers and the Kubernetes worker pod; totals against the target's count"
export RUN_TIME=8s STOP_TIMEOUT=5
compose_up "$WORK/out1" 2
# The pod's settings as docker run options; its args, after `--`, follow the image.
node "$ROOT/docker/test/pod-docker-run.mjs" "$ROOT/docker/k8s/worker-deployment.yaml" worker "$WORK/configmaps" \
  >"$WORK/pod-args" 2>>"$LOG" || fail "cannot turn the worker pod into docker run options"
mapfile -d '' -t POD <"$WORK/pod-args"
POD_OPTS=() POD_ARGS=() seen=
for arg in "${POD[@]}"; do
  if [ -z "$seen" ] && [ "$arg" = -- ]; then seen=1
  elif [ -z "$seen" ]; then POD_OPTS+=("$arg")
  else POD_ARGS+=("$arg"); fi
done
echo "pod worker: ${POD_OPTS[*]} $IMAGE ${POD_ARGS[*]}" >>"$LOG"
# Its --master-host is the master's Service name: here, an alias of the master container.
MASTER_IP=$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$PROJECT-master-1")
quiet docker run -d --name "$PROJECT-pod-worker" --network "${PROJECT}_default" \
  --add-host "locusta-master:$MASTER_IP" "${POD_OPTS[@]}" "$IMAGE" "${POD_ARGS[@]}"
inspect=$(docker inspect -f '{{.Config.User}} {{.HostConfig.ReadonlyRootfs}} {{.HostConfig.CapDrop}} {{.HostConfig.SecurityOpt}}' "$PROJECT-pod-worker")
[ "$inspect" = "1000:1000 true [ALL] [no-new-privileges]" ] || fail "the pod worker runs with '$inspect'"
code=$(master_exit)
quiet "${COMPOSE[@]}" logs --no-color master
[ "$code" = 0 ] || fail "the master exited with $code"
check_csvs "$WORK/out1/inference"
master_total=$(csv_total "$WORK/out1/inference_stats.csv")
served=$(target_count)
say "master counted $master_total requests, the target answered $served"
[ "$master_total" = "$served" ] || fail "master total $master_total != target count $served"
# Read whole before grep -q, which stops at the first match: under pipefail, the writer it
# leaves behind dies of SIGPIPE and fails the pipeline (as it did, with the line there).
master_log=$("${COMPOSE[@]}" logs --no-color master 2>&1)
grep -qF 'All users spawned: {"InferenceUser": 6}' <<<"$master_log" || fail "the master did not spawn 6 users"
pod_code=$(docker wait "$PROJECT-pod-worker")
docker logs "$PROJECT-pod-worker" >>"$LOG" 2>&1
[ "$pod_code" = 0 ] || fail "the pod worker exited with $pod_code"
# It was one of the 3 workers the master waited for, and stayed until the master ended the run.
pod_log=$(docker logs "$PROJECT-pod-worker" 2>&1)
grep -q 'Connected to the master as worker' <<<"$pod_log" || fail "the pod worker never connected"
grep -q 'The master asked this worker to quit' <<<"$pod_log" || fail "the pod worker left before the end of the run"
quiet docker rm "$PROJECT-pod-worker"
quiet "${COMPOSE[@]}" down --volumes --timeout 5

step "compose: a worker container killed mid-run"
export RUN_TIME=15s STOP_TIMEOUT=3
compose_up "$WORK/out2" 3
wait_log master 'All users spawned'
sleep 2
quiet docker kill "$PROJECT-worker-2"
code=$(master_exit)
quiet "${COMPOSE[@]}" logs --no-color
[ "$code" = 0 ] || fail "the master exited with $code after a worker was killed"
check_csvs "$WORK/out2/inference"
logs=$("${COMPOSE[@]}" logs --no-color master 2>&1)
grep -qE 'Lost worker|is missing' <<<"$logs" || fail "the master did not report the lost worker"
[ "$(echo "$logs" | grep -c 'All users spawned: {"InferenceUser": 6}')" -ge 2 ] || fail "the killed worker's users were not moved"
master_total=$(csv_total "$WORK/out2/inference_stats.csv")
served=$(target_count)
say "master counted $master_total requests, the target answered $served (the killed worker's last report is lost)"
[ "$master_total" -le "$served" ] || fail "master total $master_total > target count $served"
quiet "${COMPOSE[@]}" down --volumes --timeout 5

# --- Cleanup and the machine as it was --------------------------------------------------------

step "remove containers, images and dockerd; compare the machine with before"
trap - EXIT
cleanup
AFTER=$(machine_state)
if [ "$BEFORE" != "$AFTER" ]; then
  diff <(echo "$BEFORE") <(echo "$AFTER") >>"$LOG" || true
  STEP="machine restored"
  echo "containers: FAILED at step: $STEP (firewall, ip_forward, links or mounts differ; log: $LOG)" >&2
  exit 1
fi
say "passed in $((SECONDS - START)) s"
