#!/usr/bin/env bash
# The operator docs, built as GitHub Pages builds them: `mkdocs build --strict` (a broken link, a missing image or a
# page outside the nav fails it). Run by .ci/run after the test suite, which never depends on it: `npm test` needs
# no apt package, and test/unit/docs-nav.test.ts checks the nav and the links without mkdocs.
#
# mkdocs comes from PATH; else, when running as root with apt-get (a CI container), Debian's package is installed;
# else the build is skipped with one line saying why, and the script exits 0. The site goes to a temporary folder.
set -euo pipefail
# Builtins only up to the skip decision, so the script behaves with any PATH (test/unit/ci.test.ts runs it bare).
here="${BASH_SOURCE[0]%/*}"
[ "$here" != "${BASH_SOURCE[0]}" ] || here=.
cd "$here/.."

skip() {
  echo "docs: mkdocs build --strict skipped: $1 (test/unit/docs-nav.test.ts still checks the nav and links)"
  exit 0
}

if ! command -v mkdocs >/dev/null 2>&1; then
  command -v apt-get >/dev/null 2>&1 || skip "mkdocs is not installed and there is no apt-get"
  [ "${EUID}" -eq 0 ] || skip "mkdocs is not installed and this is not root (apt-get install mkdocs)"
  export DEBIAN_FRONTEND=noninteractive
  echo "docs: installing Debian's mkdocs"
  # A fresh container has no package lists: update once, only when the install cannot find the package.
  if ! timeout 300 apt-get install -y --no-install-recommends mkdocs >/dev/null 2>&1; then
    timeout 300 apt-get update >/dev/null 2>&1 || skip "apt-get update failed"
    timeout 300 apt-get install -y --no-install-recommends mkdocs >/dev/null 2>&1 || skip "apt-get install mkdocs failed"
  fi
  command -v mkdocs >/dev/null 2>&1 || skip "apt-get installed mkdocs but it is not on PATH"
fi

site="$(mktemp -d)"
trap 'rm -rf "$site"' EXIT
echo "docs: $(mkdocs --version)"
mkdocs build --strict --site-dir "$site"
