#!/usr/bin/env bash
# While a feature is in development: drop the uncommitted "Dev" migrations and generate one anew
# from the current entities (SQLite and MySQL), then refresh ddl/. Serialised with flock because
# several people may run it on one machine. Before committing, rename the Dev migration's class
# and file to say what it adds.
set -euo pipefail
cd "$(dirname "$0")/.."
exec 9>/tmp/meshcron-migration.lock
flock 9
for driver in sqlite mysql; do
  index="src/infra/database/migrations/$driver/index.ts"
  for file in src/infra/database/migrations/$driver/*-Dev.ts; do
    [ -e "$file" ] || continue
    base=$(basename "$file" .ts)
    class="Dev${base%%-Dev}"
    rm "$file"
    sed -i "/from '.\/$base.js';/d; s/, $class\]/]/; s/\[$class\]/[]/" "$index"
  done
done
npx tsc -p tsconfig.json
node dist/tools/generate-migration.js Dev
npx tsc -p tsconfig.json
node dist/tools/generate-ddl.js
npx prettier --write src/infra/database/migrations > /dev/null
