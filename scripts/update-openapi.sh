#!/usr/bin/env bash
# Refreshes what is generated from the route table: packages/shared/openapi.json (`backend --openapi`) and the
# TypeScript types of @aios/client made from it. Run it after adding or changing a route.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset dev >/dev/null
cmake --build --preset dev --target backend >&2
build/dev/apps/backend/backend --openapi >packages/shared/openapi.json
node packages/client/scripts/ensure-deps.mjs >&2
npm --prefix packages/client run --silent generate >&2
echo "update-openapi: packages/shared/openapi.json and packages/client/src/generated/openapi.d.ts refreshed" >&2
