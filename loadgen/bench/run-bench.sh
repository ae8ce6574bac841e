#!/usr/bin/env bash
# The generator's own ceiling: open-loop runs against a trivial Netty server (its own JVM) on
# loopback, per rate and mix. Writes one JSON report per run and a TSV summary to $OUT.
# Usage: loadgen/bench/run-bench.sh [seconds per run, default 20] [rates, default "2000 5000"]
# Needs: mvn -pl loadgen package (target/loadgen.jar) and test-compile (target/test-classes).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-20}
RATES=${2:-"2000 5000"}
PORT=${PORT:-18080}
OUT=${OUT:-target/bench}
MIXES=("keepalive=100" "close=100" "h2=100" "keepalive=60,close=20,h2=20")
mkdir -p "$OUT"

mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$OUT/cp.txt" >/dev/null
CP="target/test-classes:target/classes:$(cat "$OUT/cp.txt")"
RUNS=$(( ${#MIXES[@]} * $(wc -w <<<"$RATES") + 1 ))
java -cp "$CP" io.sidecarset.loadgen.TestHttpServerMain "$PORT" $(( RUNS * (SECONDS_PER_RUN + 15) + 30 )) \
  >"$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
sleep 2

clk=$(getconf CLK_TCK)
cpu_of() { awk -v t="$clk" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$1/stat"; }

printf "rate\tmix\texit\tload1\tgen_cpu_s\tgen_threads_cpu_s\tserver_cpu_s\trequests\tok\tdropped\tnotSent\tachieved\tlag_p99_ms\tlag_max_ms\tp50_ms\tp99_ms\tmax_ms\n" >"$OUT/summary.tsv"
run() {
  local rate=$1 mix=$2 name="r$1-${2//[=,]/_}"
  local load server_before server_after code
  load=$(cut -d' ' -f1 /proc/loadavg)
  server_before=$(cpu_of $SERVER)
  set +e
  /usr/bin/time -f "%U %S" -o "$OUT/$name.time" java -jar target/loadgen.jar --target "127.0.0.1:$PORT" \
    --rate "$rate" --duration "${SECONDS_PER_RUN}s" --mix "$mix" --report "$OUT/$name.json" >"$OUT/$name.log" 2>&1
  code=$?
  set -e
  server_after=$(cpu_of $SERVER)
  python3 - "$OUT/$name.json" "$rate" "$mix" "$code" "$load" "$OUT/$name.time" "$server_before" "$server_after" >>"$OUT/summary.tsv" <<'PY'
import json, sys
report, rate, mix, code, load, timefile, s0, s1 = sys.argv[1:]
d = json.load(open(report))
user, sys_ = open(timefile).read().split()[-2:]
lag, lat = d["generator"]["dispatchLagMillis"], d["latencyMillis"]
print("\t".join(str(x) for x in [rate, mix, code, load, round(float(user) + float(sys_), 2),
      round(d["generator"]["cpuSeconds"], 2), round(float(s1) - float(s0), 2), d["requests"], d["ok"],
      d["dropped"], d["notSent"], round(d["achievedRatePerSecond"], 1), lag.get("p99"), lag.get("max"),
      lat.get("p50"), lat.get("p99"), lat.get("max")]))
PY
}

run 200 "keepalive=60,close=20,h2=20"   # baseline: same mix, 1/10 of the lower rate
for rate in $RATES; do
  for mix in "${MIXES[@]}"; do
    run "$rate" "$mix"
  done
done
column -t -s $'\t' "$OUT/summary.tsv"
