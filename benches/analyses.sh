#!/usr/bin/env bash
# Wall clock of each analysis on one trace, side by side: lttng-tui with a cold index (no
# cache), with its cached index (the median of WARM_RUNS runs, default 5: one run of 10-20 ms
# is at the mercy of the scheduler), and lttng-analyses (one run of seconds; when importable,
# "not measured" otherwise). Usage: benches/analyses.sh [TRACE] (default:
# $LTTNG_TUI_TRACES/kernel/many-threads).
# lttng-analyses 0.6 needs babeltrace 1's Python bindings (apt python3-babeltrace) and
# `pip install lttnganalyses`; on Python >= 3.10 it is run through a shim restoring the
# `collections` ABC aliases it uses.
set -euo pipefail
cd "$(dirname "$0")/.."
TRACE="${1:-${LTTNG_TUI_TRACES:-../shared/traces}/kernel/many-threads}"
PY="${LA_PYTHON:-/usr/bin/python3}"
BIN=target/release/lttng-tui
cargo build --release -q
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export XDG_CACHE_HOME="$work/cache"

# lttng-analyses looks for a folder named `kernel` under the path it is given.
mkdir -p "$work/la"
cp -r "$TRACE" "$work/la/kernel"
cat > "$work/la.py" <<'PY'
import collections, collections.abc, runpy, shutil, sys
for n in ("Mapping", "MutableMapping", "Sequence", "Iterable", "Callable"):
    setattr(collections, n, getattr(collections.abc, n))
script = shutil.which("lttng-" + sys.argv.pop(1))
sys.argv[0] = script
runpy.run_path(script, run_name="__main__")
PY
have_la=0
"$PY" -c 'import babeltrace, lttnganalyses' 2>/dev/null && have_la=1

# Bash's own clock: timing with `date` would count its fork and exec in every interval.
export LC_NUMERIC=C
now() { echo "$EPOCHREALTIME"; }
secs() { echo "$2 - $1" | bc -l; }
WARM_RUNS="${WARM_RUNS:-5}"
# The period commands get one period both tools read the same way, with one instance per
# open() of the default trace (8 192). Override with PERIOD=... for another trace.
PERIOD="${PERIOD:-open : \$evt.\$name == \"syscall_entry_open\" : \$evt.\$name == \"syscall_exit_open\" && \$evt.cpu_id == \$begin.\$evt.cpu_id}"
# Sets EXTRA to the arguments analysis $1 needs besides the trace.
extra_args() {
    EXTRA=()
    case $1 in period*) EXTRA=(--period "$PERIOD") ;; esac
}
# The median wall clock (s) of WARM_RUNS runs of an analysis with the cache in place.
warm_median() {
    local a=$1 i t0 t1
    for ((i = 0; i < WARM_RUNS; i++)); do
        t0=$EPOCHREALTIME; "$BIN" "$a" --no-progress "${EXTRA[@]}" "$TRACE" >/dev/null; t1=$EPOCHREALTIME
        secs "$t0" "$t1"
    done | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}

printf '%-16s %10s %10s %14s %10s\n' analysis "cold (s)" "warm (s)" "lttng-an. (s)" "speed-up"
for a in cputop syscallstats schedstats irqstats iousagetop iolatencystats iolatencytop \
         iolatencyfreq iolog schedlog schedtop schedfreq irqlog irqfreq memtop \
         periodlog periodtop periodstats periodfreq; do
    extra_args "$a"
    rm -rf "$XDG_CACHE_HOME"
    t0=$(now); "$BIN" "$a" --no-progress "${EXTRA[@]}" "$TRACE" >/dev/null; t1=$(now)
    cold=$(secs "$t0" "$t1"); warm=$(warm_median "$a")
    if [ "$have_la" = 1 ]; then
        t3=$(now)
        "$PY" "$work/la.py" "$a" --no-progress "${EXTRA[@]}" "$work/la" >"$work/la.out" 2>&1 || true
        t4=$(now)
        if grep -q -e Traceback -e '^Error' "$work/la.out"; then
            printf '%-16s %10.3f %10.3f %14s %10s\n' "$a" "$cold" "$warm" "failed" "-"
            continue
        fi
        la=$(secs "$t3" "$t4")
        printf '%-16s %10.3f %10.3f %14.3f %9.0fx\n' "$a" "$cold" "$warm" "$la" "$(echo "$la / $warm" | bc -l)"
    else
        printf '%-16s %10.3f %10.3f %14s %10s\n' "$a" "$cold" "$warm" "not measured" "-"
    fi
done
