#!/usr/bin/env bash
# Makes a Docker engine answer on this machine and builds the local test images.
# Idempotent: does nothing that is already done. See shared/DESIGN.md §5 for why
# the daemon runs without a bridge and why images are imported, never pulled.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

docker_answers() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

install_engine() {
  if ! command -v apt-get >/dev/null; then
    echo "No Docker engine answers and this is not a Debian machine: start one and set DOCKER_HOST." >&2
    exit 1
  fi
  mkdir -p /etc/docker
  # Written before install so the first start already has no bridge.
  [ -f /etc/docker/daemon.json ] || echo '{"bridge":"none","iptables":false,"ip-forward":false,"ip-masq":false}' > /etc/docker/daemon.json
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io >/dev/null
}

start_daemon() {
  rm -f /var/run/docker.pid
  setsid nohup dockerd >/var/log/smartjob-dockerd.log 2>&1 < /dev/null &
  for _ in $(seq 1 60); do docker_answers && return 0; sleep 0.5; done
  echo "dockerd did not answer within 30 s; see /var/log/smartjob-dockerd.log" >&2
  tail -20 /var/log/smartjob-dockerd.log >&2 || true
  exit 1
}

if ! docker_answers; then
  if [ -z "${DOCKER_HOST:-}" ]; then
    command -v dockerd >/dev/null || install_engine
    start_daemon
  else
    echo "DOCKER_HOST=$DOCKER_HOST does not answer" >&2; exit 1
  fi
fi
echo "docker engine $(docker version --format '{{.Server.Version}}') answers"
bash "$here/build-test-images.sh"
