#!/usr/bin/env bash
# window-ready.sh BIN DB ROUNDS — run inside a display (xvfb-run). Starts a
# bare Fyne window (SERVICEBOOK_BARE_WINDOW=1) and servicebook's window on
# DB in turn, ROUNDS times each; reads each one's "window ready N ms" log
# line, opens the CI list (the second navigation item) and reads the
# process's resident memory. Prints the medians on one line:
#   window ready=MS bare=MS rss=KB bare_rss=KB
set -u
bin=$1 db=$2 rounds=${3:-3}
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
measure() { # measure ENV… — prints "MS KB"
    HOME=$home env "$@" "$bin" --db "$db" >"$home/log" 2>&1 &
    local p=$!
    for _ in $(seq 200); do grep -q "window ready" "$home/log" && break; sleep 0.1; done
    sleep 2
    local wid
    wid=$(xdotool search --pid $p 2>/dev/null | tail -1)
    [ -n "$wid" ] && xdotool windowmove "$wid" 0 0 && sleep 0.5
    xdotool mousemove 60 81 click 1
    sleep 3
    local ms kb
    ms=$(grep -o "ready [0-9]* ms" "$home/log" | awk '{print $2}')
    kb=$(awk '/VmRSS/ {print $2}' "/proc/$p/status")
    kill $p
    wait $p 2>/dev/null
    echo "$ms $kb"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# The first start after a schema change upgrades the database: not timed.
measure X=1 >/dev/null
: >"$home/ours" ; : >"$home/bare"
for _ in $(seq "$rounds"); do
    measure SERVICEBOOK_BARE_WINDOW=1 >>"$home/bare"
    measure X=1 >>"$home/ours"
done
echo "window ready=$(cut -d' ' -f1 "$home/ours" | median) bare=$(cut -d' ' -f1 "$home/bare" | median)" \
    "rss=$(cut -d' ' -f2 "$home/ours" | median) bare_rss=$(cut -d' ' -f2 "$home/bare" | median)"
