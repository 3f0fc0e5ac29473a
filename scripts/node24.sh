#!/usr/bin/env bash
# The Node 24 pass of the test suite (README "Node versions"): `AIZUCHI_TEST_NODE=24 bash scripts/test.sh`
# sources this file after setup.sh. It
#  1. installs the official Node 24 binary with its headers from the npm registry (package
#     node-linux-<arch>, which the registry's `node` package would install) into .tools/;
#  2. builds better-sqlite3 (a V8-ABI addon, unlike the N-API ones: onnxruntime-node, sherpa-onnx,
#     @node-rs/argon2) from source, once, cached in .tools/ (prebuilt downloads come from GitHub,
#     which this machine cannot reach), against the headers of Node 24.18.0: from 24.19.0 the
#     header-only node::ObjectWrap registers an environment cleanup hook whose removal aborts the
#     process when better-sqlite3 < 13 finalizes a Statement at teardown or in an idle GC
#     ("Assertion failed: (env) != nullptr" in RemoveEnvironmentCleanupHook; WiseLibs/better-sqlite3
#     #1515, seen here in the test workers). Same ABI (NODE_MODULE_VERSION 137) as every Node 24;
#  3. swaps that build into node_modules for this run and puts the Node 20 build back on exit, so
#     the two passes never clobber each other;
#  4. puts Node 24 first on PATH, so the tests and every process they spawn run on it.
NODE24_VERSION=24.21.0
# Headers better-sqlite3 12 is built against (see 2. above); only its compiled-in ObjectWrap differs.
ADDON_HEADERS_VERSION=24.18.0
case "$(uname -m)" in
  x86_64) node_arch=x64 ;;
  aarch64) node_arch=arm64 ;;
  *) echo "aizuchi: no Node 24 package for $(uname -m)" >&2; exit 1 ;;
esac
tools="$PWD/.tools"
mkdir -p "$tools"
# The official Node build of `version` with its headers, from the npm registry; prints its folder.
node_from_registry() {
  local version=$1 dir="$tools/node-$1/node_modules/node-linux-$node_arch"
  if [[ ! -x "$dir/bin/node" ]]; then
    echo "aizuchi: installing Node $version from the npm registry" >&2
    npm install --prefix "$tools/node-$version" --no-save --no-package-lock --no-audit --no-fund \
      "node-linux-$node_arch@$version" >/dev/null
  fi
  echo "$dir"
}
node24_dir=$(node_from_registry "$NODE24_VERSION")

bs3_dir=node_modules/better-sqlite3
bs3_version=$(node -p "require('./$bs3_dir/package.json').version")
bs3_cache="$tools/better-sqlite3-$bs3_version-node-$ADDON_HEADERS_VERSION-headers.node"
if [[ ! -f "$bs3_cache" ]]; then
  headers_dir=$(node_from_registry "$ADDON_HEADERS_VERSION")
  echo "aizuchi: building better-sqlite3 $bs3_version for Node 24 (once; cached in .tools/)" >&2
  build_dir=$(mktemp -d "$tools/bs3-build.XXXXXX")
  cp -r "$bs3_dir/." "$build_dir/"
  rm -rf "$build_dir/build"
  # npm's own node-gyp, run by Node 24 (--nodedir: the local headers, no download).
  (cd "$build_dir" && "$node24_dir/bin/node" "$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js" rebuild --release \
    --nodedir="$headers_dir" >/dev/null 2>&1)
  cp "$build_dir/build/Release/better_sqlite3.node" "$bs3_cache"
  rm -rf "$build_dir"
fi

bs3_binary="$bs3_dir/build/Release/better_sqlite3.node"
cp "$bs3_binary" "$tools/better_sqlite3.node20-saved"
restore_node20_sqlite() { cp "$tools/better_sqlite3.node20-saved" "$bs3_binary"; }
cp "$bs3_cache" "$bs3_binary"
export PATH="$node24_dir/bin:$PATH"
echo "aizuchi: test pass on Node $(node --version)" >&2
