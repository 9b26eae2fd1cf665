#!/usr/bin/env bash
# Set up kamtrain on a Debian machine: system packages, a virtualenv with the app, compiled
# translations, the database (SQLite in instance/ unless KAMTRAIN_DATABASE_URL says otherwise),
# the content and the demo organisation. Safe to run again.
#
#   bash scripts/setup.sh          to run the app
#   bash scripts/setup.sh --dev    also test tools: pytest, Playwright (driving Debian's chromium),
#                                  poppler-utils and zbar for checking PDFs
set -euo pipefail
cd "$(dirname "$0")/.."

dev=0
[ "${1:-}" = "--dev" ] && dev=1
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"

packages="fonts-wqy-zenhei"
python3 -m venv --help >/dev/null 2>&1 || packages="$packages python3-venv python3-pip"
[ $dev = 1 ] && packages="$packages chromium poppler-utils zbar-tools sqlite3"  # sqlite3: bench/export_records.py
missing=""
for p in $packages; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "installing Debian packages:$missing"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
export PIP_DISABLE_PIP_VERSION_CHECK=1
.venv/bin/pip install -q --upgrade pip
if [ $dev = 1 ]; then
  .venv/bin/pip install -q -e '.[dev]'
else
  .venv/bin/pip install -q -e .
fi
.venv/bin/python scripts/i18n.py compile >/dev/null

.venv/bin/kamtrain db upgrade
.venv/bin/kamtrain content sync
.venv/bin/kamtrain demo
