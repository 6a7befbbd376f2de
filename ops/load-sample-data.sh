#!/usr/bin/env bash
# Loads the sample patterns (ops/sample-data/patterns/*.json) through the REST API, with progress.
#   [PATTERNSYNC_API_KEY=...] ops/load-sample-data.sh [API base URL, default http://127.0.0.1:8080]
# Each pattern is POSTed as it is; a pattern whose name already exists is skipped, so running it
# twice is harmless.
set -euo pipefail
API=${1:-${PATTERNSYNC_API_URL:-http://127.0.0.1:8080}}
DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/sample-data/patterns" && pwd)
exec python3 - "$API" "$DIR" <<'PY'
import json, sys, glob, os, urllib.request, urllib.error, urllib.parse
api, folder = sys.argv[1].rstrip('/'), sys.argv[2]
headers = {'Content-Type': 'application/json'}
if os.environ.get('PATTERNSYNC_API_KEY'):  # a key with patterns:read and patterns:write, where the API requires keys
    headers['X-Api-Key'] = os.environ['PATTERNSYNC_API_KEY']

def existing_names():
    names, cursor = set(), None
    while True:
        url = f"{api}/api/v1/patterns?limit=100&sort=name" + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else "")
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as r:
            page = json.load(r)
        names.update(p['name'] for p in page['items'])
        cursor = page['next_cursor']
        if not cursor:
            return names

patterns = [p for f in sorted(glob.glob(os.path.join(folder, '*.json'))) for p in json.load(open(f))]
have = existing_names()
created = skipped = 0
for i, pattern in enumerate(patterns, 1):
    if pattern['name'] in have:
        skipped += 1
    else:
        req = urllib.request.Request(f"{api}/api/v1/patterns", data=json.dumps(pattern).encode(), headers=headers, method='POST')
        try:
            urllib.request.urlopen(req).close()
            created += 1
        except urllib.error.HTTPError as e:
            sys.exit(f"\n{pattern['name']}: HTTP {e.code} {e.read().decode()}")
    if sys.stderr.isatty():
        print(f"\r[{'#' * (40 * i // len(patterns)):<40}] {i}/{len(patterns)}", end='', file=sys.stderr, flush=True)
print(f"\nloaded {created} patterns, {skipped} already present", file=sys.stderr)
PY
