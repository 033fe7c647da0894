#!/usr/bin/env bash
# Writes the project.json, tsconfig.json and vitest.config.ts of one project (used once per project).
set -euo pipefail
dir=$1 name=$2 type=$3 scope=$4
mkdir -p "$dir/src"
depth=$(echo "$dir" | awk -F/ '{print NF}'); up=$(printf '../%.0s' $(seq 1 "$depth"))
build=''
if [ "$type" = app ]; then
  build="\"build\": { \"executor\": \"nx:run-commands\", \"options\": { \"command\": \"node tools/build-app.mjs $name\" }, \"outputs\": [\"{workspaceRoot}/dist/apps/$name\"] },"
fi
cat > "$dir/project.json" <<JSON
{
  "name": "$name",
  "\$schema": "${up}node_modules/nx/schemas/project-schema.json",
  "projectType": "$([ "$type" = app ] && echo application || echo library)",
  "sourceRoot": "$dir/src",
  "tags": ["type:$type", "scope:$scope"],
  "targets": {
    $build
    "typecheck": { "executor": "nx:run-commands", "options": { "command": "tsc -p $dir/tsconfig.json --noEmit" } },
    "lint": { "executor": "nx:run-commands", "options": { "command": "eslint $dir" } },
    "test": { "executor": "nx:run-commands", "options": { "command": "vitest run --config $dir/vitest.config.ts" } }
  }
}
JSON
cat > "$dir/tsconfig.json" <<JSON
{
  "extends": "${up}tsconfig.base.json",
  "include": ["src/**/*.ts", "test/**/*.ts", "*.ts"]
}
JSON
cat > "$dir/vitest.config.ts" <<TS
import { defineConfig } from 'vitest/config';
import { projectConfig } from '${up}vitest.shared';

export default defineConfig(projectConfig(__dirname));
TS
