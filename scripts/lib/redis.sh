# Sourced by the suites whose tests start a real redis-server (the shared token store tests).
# Installs Debian's redis-server once (apt-get update first when apt does not know it yet) and
# exports PAYWIRE_REDIS_SERVER for the tests, which start their own on 127.0.0.1 and a free port.
ensure_redis_server() {
  local as_root=()
  if [ "$(id -u)" -ne 0 ]; then as_root=(sudo); fi
  if ! command -v redis-server >/dev/null 2>&1; then
    step "redis-server: installing Debian's redis-server (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-cache show redis-server >/dev/null 2>&1; then
      "${as_root[@]}" apt-get -o DPkg::Lock::Timeout=300 update
    fi
    if ! "${as_root[@]}" apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends redis-server; then
      "${as_root[@]}" apt-get -o DPkg::Lock::Timeout=300 update
      "${as_root[@]}" apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends redis-server
    fi
  fi
  PAYWIRE_REDIS_SERVER="$(command -v redis-server)" || {
    echo "error: redis-server is still missing after apt-get install" >&2
    return 1
  }
  export PAYWIRE_REDIS_SERVER
  echo "redis-server: $PAYWIRE_REDIS_SERVER ($("$PAYWIRE_REDIS_SERVER" --version | head -1))"
}
