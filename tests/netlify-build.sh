#!/usr/bin/env bash
# Tests scripts/netlify-build and scripts/iehp-binary as Netlify runs them, without the network:
#   1. a release folder served on 127.0.0.1 (python3 -m http.server): the binary is downloaded,
#      verified, used to check and build the hub, then taken from the cache on the next build;
#   2. a release whose archive does not match its .sha256 is refused (nothing run, nothing built);
#   3. a release built from other source is skipped, and the binary compiled instead, with a
#      rustup that has NO default toolchain (a private RUSTUP_HOME whose only toolchain is a link
#      to the pinned one: this machine's own rustup settings are never touched).
# Needs target/debug/iehp (scripts/test builds it first); compiles with the dev profile so the
# fallback reuses target/debug instead of a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
tmp=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  [ -n "${KEEP:-}" ] && echo "kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
pass() { echo "ok: $*"; }

[ -x target/debug/iehp ] || fail "target/debug/iehp is missing: run cargo build first"
version=$(sed -n 's/^version *= *"\([^"]*\)".*/\1/p' Cargo.toml | head -n1)
channel=$(sed -n 's/^channel *= *"\([^"]*\)".*/\1/p' rust-toolchain.toml | head -n1)
case "$(uname -m)" in
  x86_64 | amd64) triple=x86_64-unknown-linux-musl ;;
  aarch64 | arm64) triple=aarch64-unknown-linux-musl ;;
  *) echo "skipped: no release target for $(uname -m)"; exit 0 ;;
esac

# A release folder laid out as GitHub serves one: <base>/v<version>/<file>.
make_release() { # <folder> <source hash>
  local dir="$1/v$version" archive="iehp-$version-$triple.tar.gz"
  mkdir -p "$dir"
  tar -czf "$dir/$archive" -C target/debug iehp
  (cd "$dir" && sha256sum "$archive" >"$archive.sha256")
  echo "$2" >"$dir/iehp-$version.source-sha256"
}
make_release "$tmp/good" "$(scripts/iehp-binary --source-hash)"
make_release "$tmp/tampered" "$(scripts/iehp-binary --source-hash)"
printf 'junk' | cat - "$tmp/tampered/v$version/iehp-$version-$triple.tar.gz" >"$tmp/x" \
  && mv "$tmp/x" "$tmp/tampered/v$version/iehp-$version-$triple.tar.gz"
make_release "$tmp/other" "0000000000000000000000000000000000000000000000000000000000000000"

python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$tmp" >"$tmp/server.log" 2>&1 &
server=$!
port=""
for _ in $(seq 600); do
  port=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$tmp/server.log" | head -n1)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || fail "the release server did not start: $(cat "$tmp/server.log")"
base="http://127.0.0.1:$port"

run() { # <name> <release url> [env...] -- build options; output in $tmp/<name>.log
  local name="$1" url="$2"
  shift 2
  local envs=()
  while [ "$1" != "--" ]; do envs+=("$1"); shift; done
  shift
  env IEHP_RELEASE_URL="$url" IEHP_BIN_CACHE="$tmp/cache-$name" "${envs[@]}" \
    scripts/netlify-build --now 2025-09-01 --out "$tmp/site-$name" "$@" >"$tmp/$name.log" 2>&1
}

# 1. Download, verify, check, build; then the cache.
run good "$base/good" -- --base-url https://preview--iehp.example/ \
  || fail "build with the release: $(cat "$tmp/good.log")"
grep -q "downloaded iehp $version ($triple, SHA-256 verified)" "$tmp/good.log" \
  || fail "no download reported: $(cat "$tmp/good.log")"
grep -q "== iehp check" "$tmp/good.log" || fail "iehp check did not run"
[ -f "$tmp/site-good/index.html" ] || fail "no index.html built"
grep -q "https://preview--iehp.example/" "$tmp/site-good/sitemap.xml" || fail "--base-url not passed on"
pass "release downloaded from $base, checksum verified, hub checked and built"
run good "$base/good" -- || fail "second build: $(cat "$tmp/good.log")"
grep -q "using iehp $version from the cache" "$tmp/good.log" || fail "cache not used: $(cat "$tmp/good.log")"
pass "second build takes the binary from the cache"

# 2. A bad checksum is refused.
if run tampered "$base/tampered" --; then fail "a tampered archive was accepted"; fi
grep -q "REFUSED: .* has SHA-256" "$tmp/tampered.log" || fail "no refusal message: $(cat "$tmp/tampered.log")"
[ ! -e "$tmp/site-tampered" ] || fail "a site was built from an unverified binary"
[ -z "$(ls -A "$tmp/cache-tampered" 2>/dev/null)" ] || fail "an unverified binary was cached"
pass "an archive that does not match its .sha256 is refused"

# 3. Release from other source + rustup without a default toolchain: compile with the pinned one.
sysroot=$(rustup run "$channel" rustc --print sysroot)
fake="$tmp/rustup-home"
mkdir -p "$fake/toolchains"
host=$(rustup run "$channel" rustc -vV | sed -n 's/^host: //p')
ln -s "$sysroot" "$fake/toolchains/$channel-$host"
printf 'version = "12"\nprofile = "minimal"\n' >"$fake/settings.toml"
# The situation Netlify's image is in: `cargo` exists, but outside a folder that names a
# toolchain it has none to run.
if (cd "$tmp" && RUSTUP_HOME="$fake" cargo --version >"$tmp/nodefault.log" 2>&1); then
  fail "the private rustup has a default toolchain: $(cat "$tmp/nodefault.log")"
fi
grep -qi "no default" "$tmp/nodefault.log" || fail "unexpected rustup message: $(cat "$tmp/nodefault.log")"
run other "$base/other" RUSTUP_HOME="$fake" IEHP_CARGO_PROFILE=dev -- \
  || fail "fallback build: $(cat "$tmp/other.log")"
grep -q "built from other source than this checkout's: compiling" "$tmp/other.log" \
  || fail "mismatched release not skipped: $(cat "$tmp/other.log")"
grep -q "compiling iehp $version with Rust $channel" "$tmp/other.log" || fail "no compile: $(cat "$tmp/other.log")"
[ -f "$tmp/site-other/index.html" ] || fail "no site from the compiled binary"
if grep -q default_toolchain "$fake/settings.toml"; then
  fail "the fallback set a default toolchain: $(cat "$fake/settings.toml")"
fi
pass "release of other source skipped; compiled with Rust $channel from rust-toolchain.toml under a rustup with no default"

# And with no release at all (a 404), the same fallback.
run none "$base/nothing-here" RUSTUP_HOME="$fake" IEHP_CARGO_PROFILE=dev -- \
  || fail "build without a release: $(cat "$tmp/none.log")"
grep -q "no release v$version at" "$tmp/none.log" || fail "404 not reported: $(cat "$tmp/none.log")"
pass "no release: compiled instead"
cd "$repo"
