#!/usr/bin/env bash
# Builds the pinned platform tools the tests use (MinIO, the docker compose plugin, helm, actionlint) from source with
# the Go module proxy into .tools/ (git-ignored). Idempotent: a tool whose pinned version is built is skipped.
# `tools.sh centrifugo` builds only Centrifugo, a peer of `npm run bench` that CI never needs.
set -euo pipefail
cd "$(dirname "$0")/.."

MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c   # github.com/minio/minio (RELEASE tags are not semver)
COMPOSE_VERSION=v5.6.0                              # github.com/docker/compose/v5 (v5.7 needs Go 1.26.10)
HELM_VERSION=v4.3.2                                 # helm.sh/helm/v4
ACTIONLINT_VERSION=v1.7.12                          # github.com/rhysd/actionlint (checks the release workflow)
CENTRIFUGO_VERSION=v6.9.1                           # github.com/centrifugal/centrifugo/v6 (bench peer only)

TOOLS="$PWD/.tools"
BIN="$TOOLS/bin"
mkdir -p "$BIN" "$TOOLS/docker/cli-plugins" "$TOOLS/stamps"
export GOFLAGS="${GOFLAGS:-} -trimpath" CGO_ENABLED=0

if ! command -v go >/dev/null 2>&1; then
  echo "tools.sh: Go is required (https://go.dev/doc/install); it builds MinIO, docker compose and helm" >&2
  exit 1
fi

# build NAME VERSION PACKAGE OUTPUT-BINARY-NAME
build() {
  local name=$1 version=$2 pkg=$3 out=$4 stamp="$TOOLS/stamps/$1"
  if [[ -x "$BIN/$out" && -f "$stamp" && "$(cat "$stamp")" == "$version" ]]; then
    echo "tools: $name $version (cached)"
    return
  fi
  echo "tools: building $name $version"
  local start=$SECONDS tmp
  tmp=$(mktemp -d)
  if [[ $pkg == *//* ]]; then
    # MODULE//PACKAGE: built as the main module from its own source, for modules whose go.mod has
    # replace/exclude directives that `go install pkg@version` refuses.
    local module=${pkg%%//*} sub=${pkg#*//} dir
    dir=$(go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
    cp -r "$dir" "$tmp/src" && chmod -R u+w "$tmp/src"
    (cd "$tmp/src" && go build -o "$BIN/$out" "./$sub")
  else
    GOBIN="$tmp" go install "$pkg@$version"
    mv "$tmp"/* "$BIN/$out"
  fi
  rm -rf "$tmp"
  echo "$version" >"$stamp"
  echo "tools: $name built in $((SECONDS - start)) s"
}

if [[ ${1:-} == centrifugo ]]; then
  build centrifugo "$CENTRIFUGO_VERSION" github.com/centrifugal/centrifugo/v6 centrifugo
  exit 0
fi

build minio "$MINIO_VERSION" github.com/minio/minio minio &
p1=$!
build compose "$COMPOSE_VERSION" github.com/docker/compose/v5//cmd docker-compose &
p2=$!
build helm "$HELM_VERSION" helm.sh/helm/v4/cmd/helm helm &
p3=$!
build actionlint "$ACTIONLINT_VERSION" github.com/rhysd/actionlint/cmd/actionlint actionlint &
p4=$!
fail=0
for p in $p1 $p2 $p3 $p4; do wait "$p" || fail=1; done
[[ $fail == 0 ]] || { echo "tools: a build failed" >&2; exit 1; }

# docker finds CLI plugins under $DOCKER_CONFIG/cli-plugins; tests point DOCKER_CONFIG at .tools/docker.
ln -sf "$BIN/docker-compose" "$TOOLS/docker/cli-plugins/docker-compose"
