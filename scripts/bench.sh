#!/usr/bin/env bash
# Runs the benchmarks on the 100k-CI / ~490k-relation demo CMDB and prints
# the figures as the README's table. The first run builds the benchmark
# database (about 40 s) and the 100k-row import workbook, and keeps them in
# the temporary directory for later runs.
#   scripts/bench.sh            all benchmarks
#   scripts/bench.sh Impact     only those whose name matches
cd "$(dirname "$0")/.."
source scripts/setup.sh
pattern="${1:-.}"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# Fast benchmarks run 20 rounds; the slow ones (seconds each) fewer.
fast='Impact|GraphLoad|Search|ScrollCIs|Availability|Allocate|Binder|VerifyParts'
slow='Baseline|Import100k|Scaled|OpenWindow|Workbook100k'
for set in "$fast:20x" "$slow:3x"; do
    names=${set%:*} rounds=${set##*:}
    if [ "$pattern" != "." ]; then
        # Only the benchmarks of this set that the pattern names.
        printf '%s\n' "${names//|/$'\n'}" | grep -qE "$pattern" || continue
        names="$pattern"
    fi
    go test ./cmdb ./demo ./app ./continuity ./budget ./export ./sheet -run '^$' -bench "$names" -benchtime "$rounds" -timeout 60m | tee -a "$out" >&2
done

echo
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(go env GOVERSION)"
echo
echo "| benchmark | time per operation |"
echo "|---|---|"
awk '/^Benchmark/ && $4 == "ns/op" {
        name = $1; sub(/-[0-9]+$/, "", name)
        ns = $3
        if (ns >= 1e9) t = sprintf("%.2f s", ns / 1e9)
        else if (ns >= 1e6) t = sprintf("%.1f ms", ns / 1e6)
        else t = sprintf("%.2f ms", ns / 1e6)
        extra = ""
        if ($6 != "" && $6 !~ /\/op$/) extra = sprintf(" (%s %s)", $5, $6)
        last[name] = "| " name " | " t extra " |"
        if (name ~ /^BenchmarkImport100k\/servicebook/) ours = ns
        if (name ~ /^BenchmarkImport100k\/bare/) bare = ns
        if (name ~ /BudgetImport100k\/servicebook/) bours = ns
        if (name ~ /BudgetImport100k\/bare/) bbare = ns
        if (name ~ /Workbook100k\/servicebook/) wours = ns
        if (name ~ /Workbook100k\/bare/) wbare = ns
     }
     END {
        for (n in last) print last[n] | "sort"
        close("sort")
        if (ours && bare) printf "| CI import ratio servicebook / bare (goal ≤ 1.3) | %.2f |\n", ours / bare
        if (bours && bbare) printf "| budget import ratio servicebook / bare (goal ≤ 1.3) | %.2f |\n", bours / bbare
        if (wours && wbare) printf "| full workbook ratio servicebook / bare (goal ≤ 1.2) | %.2f |\n", wours / wbare
     }' "$out"
