#!/bin/sh
# Installs Debian's chromium for the browser tests of internal/web (chromedp drives
# /usr/bin/chromium headless). Idempotent and quiet: does nothing when chromium is
# already installed. Needs root (CI containers run as root).
set -eu

if [ -x /usr/bin/chromium ]; then
	exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "chromium.sh: apt-get not found; install chromium at /usr/bin/chromium by hand (browser tests skip without it)" >&2
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "chromium.sh: must run as root to install chromium" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq chromium >/dev/null
test -x /usr/bin/chromium
