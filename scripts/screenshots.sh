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
    # The first plan begins on the first page after the contents (the
    # pages with dotted leaders).
    plan=3
    while pdftotext -f "$plan" -l "$plan" "$work/binder-$lang.pdf" - | grep -q '\. \. \. \.\|\.\.\.\.\.'; do
        plan=$((plan + 1))
    done
    page() { # page N NAME: page N of the binder as docs/binder/LANG-NAME.png
        pdftoppm -png -r 60 -singlefile -f "$1" -l "$1" "$work/binder-$lang.pdf" "docs/binder/$lang-$2"
    }
    page 1 cover
    page 2 contents
    page "$plan" plan
    page "$pages" wallet-cards
done
ls docs/binder

# The printed capacity plan: its first page (document control) and the
# page with the first charts, in both languages.
mkdir -p docs/capacity
for lang in en zh; do
    "$work/servicebook" --db "$work/sample.db" export capacity --lang "$lang" --as-of "2026-11-24 09:00" "$work/capacity-$lang.pdf" >/dev/null
    pdftoppm -png -r 60 -singlefile -f 1 -l 1 "$work/capacity-$lang.pdf" "docs/capacity/$lang-document-control"
    pdftoppm -png -r 60 -singlefile -f 3 -l 3 "$work/capacity-$lang.pdf" "docs/capacity/$lang-charts"
done
ls docs/capacity

# The configuration audit's printouts: the checklist's first page and the
# sample audit's report (still open, so marked draft), in both languages.
mkdir -p docs/config-audit
for lang in en zh; do
    "$work/servicebook" --db "$work/sample.db" config-audit checklist CA-0001 --lang "$lang" --as-of "2026-11-24 09:00" "$work/checklist-$lang.pdf" >/dev/null
    "$work/servicebook" --db "$work/sample.db" config-audit report CA-0001 --lang "$lang" --as-of "2026-11-24 09:00" "$work/report-$lang.pdf" >/dev/null
    pdftoppm -png -r 60 -singlefile -f 1 -l 1 "$work/checklist-$lang.pdf" "docs/config-audit/$lang-checklist"
    pdftoppm -png -r 60 -singlefile -f 1 -l 1 "$work/report-$lang.pdf" "docs/config-audit/$lang-report"
done
ls docs/config-audit

# The readiness printouts: the internal-audit checklist and the
# management-review input pack, first pages, in both languages.
mkdir -p docs/audit
for lang in en zh; do
    "$work/servicebook" --db "$work/sample.db" audit --format pdf --lang "$lang" --out "$work/audit-$lang.pdf" >/dev/null || true
    "$work/servicebook" --db "$work/sample.db" audit --format review --lang "$lang" --out "$work/review-$lang.pdf" >/dev/null || true
    pdftoppm -png -r 60 -singlefile -f 1 -l 1 "$work/audit-$lang.pdf" "docs/audit/$lang-checklist"
    pdftoppm -png -r 60 -singlefile -f 1 -l 1 "$work/review-$lang.pdf" "docs/audit/$lang-review-pack"
done
ls docs/audit
