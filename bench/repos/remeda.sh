#!/usr/bin/env bash
# Checks out remeda (github.com/remeda/remeda, a TypeScript utility library with 174 Vitest
# *.test.ts files under packages/remeda/src) at a pinned commit, OUTSIDE this repository, and
# installs what packages/remeda needs to run its tests. Nothing of it is copied into vmwatch.
#
#   bench/repos/remeda.sh DEST [SOURCE]
#
# DEST    where to check it out (e.g. /work/bench-repos/remeda); then run
#         `npm run bench -- --only runners --repo DEST`
# SOURCE  a git URL or a local clone/mirror (default: https://github.com/remeda/remeda.git)
#
# Install: the root package-lock.json pins every version; `npm ci --workspace packages/remeda`
# installs only the remeda package's (dev) dependencies plus the root's, not the docs site's.
# --ignore-scripts skips the root's `prepare: husky` (git hooks); nothing else needs a script.
# Node 20 works although some dev tools (tsdown, semantic-release) ask for 22+: the tests only
# need vitest.
set -euo pipefail

COMMIT=3b72f9fb6e5174243954467186301d352b742699 # 2026-07-03, "chore(deps): bump vite from 7.3.3 to 7.3.6 (#1387)"
DEST=${1:?usage: bench/repos/remeda.sh DEST [SOURCE]}
SOURCE=${2:-https://github.com/remeda/remeda.git}

case "$(cd "$(dirname "$DEST")" 2>/dev/null && pwd)/" in
  "$(cd "$(dirname "$0")/../.." && pwd)/"*) echo "remeda.sh: DEST must be outside the vmwatch repository" >&2; exit 2 ;;
esac

fresh=0
if [ ! -d "$DEST/.git" ]; then
  git clone --quiet --no-checkout "$SOURCE" "$DEST"
  fresh=1
fi
# A --no-checkout clone whose HEAD is already COMMIT still needs its files checked out.
if [ "$fresh" = 1 ] || [ "$(git -C "$DEST" rev-parse HEAD 2>/dev/null)" != "$COMMIT" ]; then
  git -C "$DEST" fetch --quiet "$SOURCE" "$COMMIT" 2>/dev/null || true
  git -C "$DEST" checkout --quiet --detach "$COMMIT"
fi
if [ -n "$(git -C "$DEST" status --porcelain --untracked-files=no)" ]; then
  echo "remeda.sh: $DEST has local changes (an interrupted benchmark?); 'git -C $DEST checkout -- .' restores it" >&2
  exit 1
fi
# vmwatch's state and run artifacts in the app folder are not changes of the checkout.
grep -qx '.vmwatch/' "$DEST/.git/info/exclude" 2>/dev/null || printf '.vmwatch/\ntest-runs/\n' >> "$DEST/.git/info/exclude"
if [ ! -x "$DEST/node_modules/.bin/vitest" ]; then
  (cd "$DEST" && npm ci --workspace packages/remeda --ignore-scripts --no-audit --no-fund)
fi
echo "remeda at $COMMIT in $DEST ($(cd "$DEST/packages/remeda" && git ls-files 'src/*.test.ts' | wc -l) test files)"
