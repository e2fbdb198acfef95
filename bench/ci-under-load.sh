#!/usr/bin/env bash
# N consecutive `bash .ci/run` on fresh clones of this repository's HEAD while a CPU hog
# (`stress-ng --cpu 1`, Debian package stress-ng) runs beside them: the suite must stay green on a
# loaded 2-core machine. One line per run on stdout; each run's full log is kept in OUT.
#
#   bench/ci-under-load.sh [N=5] [OUT=$TMPDIR/vmwatch-ci-under-load]
set -uo pipefail
n=${1:-5}
out=${2:-${TMPDIR:-/tmp}/vmwatch-ci-under-load}
repo=$(cd "$(dirname "$0")/.." && pwd)
command -v stress-ng >/dev/null || { echo "ci-under-load: needs stress-ng (apt-get install stress-ng)" >&2; exit 2; }
mkdir -p "$out"
stress-ng --cpu 1 --timeout 0 >/dev/null 2>&1 &
hog=$!
trap 'kill "$hog" 2>/dev/null; wait "$hog" 2>/dev/null' EXIT
green=0
for i in $(seq 1 "$n"); do
  clone=$(mktemp -d "${TMPDIR:-/tmp}/vmwatch-ci-clone-XXXXXX")
  git clone --quiet "$repo" "$clone"
  sha=$(git -C "$clone" rev-parse --short HEAD)
  start=$(date +%s)
  (cd "$clone" && bash .ci/run) >"$out/run-$i.log" 2>&1
  rc=$?
  tests=$(sed 's/\x1b\[[0-9;]*m//g' "$out/run-$i.log" | grep -E '^ *Tests ' | tail -1 | sed 's/^ *//')
  echo "run $i/$n: commit $sha, exit $rc, $(($(date +%s) - start)) s, ${tests:-no test summary} (log: $out/run-$i.log)"
  [ "$rc" = 0 ] && green=$((green + 1))
  rm -rf "$clone"
done
echo "ci-under-load: $green of $n green"
[ "$green" = "$n" ]
