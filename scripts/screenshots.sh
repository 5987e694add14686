#!/usr/bin/env bash
# Writes a screenshot of every screen, in English and in Chinese, to
# docs/screenshots/ through Fyne's test driver (no display needed).
cd "$(dirname "$0")/.."
source scripts/setup.sh
SERVICEBOOK_SCREENSHOTS="$PWD/docs/screenshots" go test ./app -count=1 -run 'TestScreenshots$'
ls docs/screenshots
