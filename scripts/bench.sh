#!/usr/bin/env bash
# npm run bench [-- NAME...]: benchmarks on a local PostgreSQL (started here unless DATABASE_URL is set).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${DATABASE_URL:-}" ]; then
  DATABASE_URL=$(bash scripts/pg-start.sh)
  export DATABASE_URL
fi
exec npx tsx bench/run.ts "$@"
