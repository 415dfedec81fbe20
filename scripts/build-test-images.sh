#!/usr/bin/env bash
# Builds the local images the tests, examples and benchmarks use, with no registry:
# a root filesystem is assembled in a folder and `docker import`ed.
set -euo pipefail
BUSYBOX_IMAGE=smartjob-test/busybox:local
NODE_IMAGE=smartjob-test/node:local
PYTHON_IMAGE=smartjob-test/python:local

have_image() { docker image inspect "$1" >/dev/null 2>&1; }

ensure_busybox_binary() {
  [ -x /bin/busybox ] && file_is_static /bin/busybox && return 0
  command -v apt-get >/dev/null || { echo "busybox-static is needed to build test images" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends busybox-static >/dev/null
}
file_is_static() { ! ldd "$1" >/dev/null 2>&1; }

# Copies a binary and every library it links, plus the dynamic loader, under $2.
copy_with_libs() {
  local bin="$1" root="$2"
  mkdir -p "$root$(dirname "$bin")"
  cp -L "$bin" "$root$bin"
  ldd "$bin" | grep -oE '/[^ ]+' | while read -r lib; do
    mkdir -p "$root$(dirname "$lib")"; cp -L "$lib" "$root$lib"
  done
}

base_rootfs() {
  local root="$1"
  mkdir -p "$root"/{bin,tmp,etc,staging}
  cp /bin/busybox "$root/bin/busybox"
  for applet in $("$root/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
  chmod 1777 "$root/tmp"
}

import_rootfs() {
  local root="$1" image="$2"; shift 2
  tar -C "$root" -c . | docker import "$@" - "$image" >/dev/null
  echo "built $image"
}

build_all() {
  local work; work="$(mktemp -d)"; trap 'rm -rf "$work"' RETURN
  ensure_busybox_binary
  if ! have_image "$BUSYBOX_IMAGE"; then
    base_rootfs "$work/busybox"
    import_rootfs "$work/busybox" "$BUSYBOX_IMAGE" -c 'CMD ["sh"]'
  fi
  if ! have_image "$NODE_IMAGE"; then
    base_rootfs "$work/node"
    copy_with_libs "$(readlink -f "$(command -v node)")" "$work/node"
    ln -sf "$(readlink -f "$(command -v node)")" "$work/node/bin/node" 2>/dev/null || true
    import_rootfs "$work/node" "$NODE_IMAGE" -c 'CMD ["node"]' -c 'ENV PATH=/usr/local/bin:/usr/bin:/bin'
  fi
  if ! have_image "$PYTHON_IMAGE"; then
    local py=/usr/bin/python3.11
    [ -x "$py" ] || { echo "$py is needed to build $PYTHON_IMAGE" >&2; exit 1; }
    base_rootfs "$work/python"
    copy_with_libs "$py" "$work/python"
    mkdir -p "$work/python/usr/lib"
    cp -a /usr/lib/python3.11 "$work/python/usr/lib/"
    rm -rf "$work/python/usr/lib/python3.11/test" "$work/python/usr/lib/python3.11/__pycache__"
    ln -sf python3.11 "$work/python/usr/bin/python3"
    ln -sf python3.11 "$work/python/usr/bin/python"
    import_rootfs "$work/python" "$PYTHON_IMAGE" -c 'CMD ["python"]' -c 'ENV PATH=/usr/local/bin:/usr/bin:/bin'
  fi
}
build_all
