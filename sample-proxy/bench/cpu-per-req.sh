#!/bin/bash
# usage: cpu-per-req.sh <label> <pid> <wrk args...>: wrk run + CPU seconds the pid used + CPU us per request
label=$1 pid=$2; shift 2
tick=$(getconf CLK_TCK)
cpu() { awk '{print $14+$15}' /proc/$1/stat; }
c0=$(cpu $pid); out=$(wrk "$@" 2>&1); c1=$(cpu $pid)
req=$(echo "$out" | awk '/requests in/ {print $1}')
rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
p99=$(echo "$out" | awk '/ 99%/ {print $2}')
err=$(echo "$out" | grep -E "Socket errors|Non-2xx" | tr '\n' ' ')
awk -v l="$label" -v c0=$c0 -v c1=$c1 -v t=$tick -v r=$req -v rps=$rps -v p99=$p99 -v e="$err" -v la="$(cut -d' ' -f1 /proc/loadavg)" \
  'BEGIN {cs=(c1-c0)/t; printf "%-28s req=%d rps=%s p99=%s cpu=%.2fs cpu/req=%.1fus load=%s %s\n", l, r, rps, p99, cs, cs*1e6/r, la, e}'
