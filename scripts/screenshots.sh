#!/usr/bin/env bash
# Writes a screenshot of every screen, in English and in Chinese, to
# docs/screenshots/ through Fyne's test driver (no display needed).
cd "$(dirname "$0")/.."
source scripts/setup.sh
SERVICEBOOK_SCREENSHOTS="$PWD/docs/screenshots" go test ./app -count=1 -run 'TestScreenshots$'
ls docs/screenshots

# The printed binder: pages rendered with pdftoppm (poppler-utils), from the
# sample database, at a fixed "as of" so the pictures change only when the
# print does.
command -v pdftoppm >/dev/null || fail "pdftoppm is needed: apt-get install poppler-utils"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/servicebook" .
"$work/servicebook" --db "$work/sample.db" --create demo >/dev/null
mkdir -p docs/binder
for lang in en zh; do
    "$work/servicebook" --db "$work/sample.db" export binder --lang "$lang" --org "示例银行 Example Bank" \
        --as-of "2026-11-24 09:00" "$work/binder-$lang.pdf" >/dev/null
    pages=$(pdfinfo "$work/binder-$lang.pdf" | awk '/^Pages:/ {print $2}')
    pdftoppm -png -r 60 -f 1 -l 3 "$work/binder-$lang.pdf" "$work/$lang"
    pdftoppm -png -r 60 -f "$pages" -l "$pages" "$work/binder-$lang.pdf" "$work/$lang-last"
    mv "$work/$lang-1.png" docs/binder/$lang-cover.png 2>/dev/null || mv "$work/$lang-01.png" docs/binder/$lang-cover.png
    mv "$work/$lang-2.png" docs/binder/$lang-contents.png 2>/dev/null || mv "$work/$lang-02.png" docs/binder/$lang-contents.png
    mv "$work/$lang-3.png" docs/binder/$lang-plan.png 2>/dev/null || mv "$work/$lang-03.png" docs/binder/$lang-plan.png
    mv "$work"/$lang-last-*.png docs/binder/$lang-wallet-cards.png
done
ls docs/binder
