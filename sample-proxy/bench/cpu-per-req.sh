#!/bin/bash
# usage: cpu-per-req.sh <label> <pid> [h2load] <wrk or h2load args...>: one wrk run (or h2load run),
# and the CPU the pid used per request, user and system apart (from /proc/<pid>/stat)
label=$1 pid=$2; shift 2
tool=wrk
if [ "$1" = h2load ]; then tool=h2load; shift; fi
tick=$(getconf CLK_TCK)
cpu() { awk '{print $14, $15}' /proc/$1/stat; }
read u0 s0 < <(cpu $pid); out=$($tool "$@" 2>&1); read u1 s1 < <(cpu $pid)
if [ $tool = wrk ]; then
  req=$(echo "$out" | awk '/requests in/ {print $1}')
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  extra="p99=$(echo "$out" | awk '/ 99%/ {print $2}') $(echo "$out" | grep -E "Socket errors|Non-2xx" | tr '\n' ' ')"
else
  req=$(echo "$out" | awk '/^requests:/ {print $8}')   # succeeded
  rps=$(echo "$out" | awk '/finished in/ {print $4}')
  extra=$(echo "$out" | awk '/^requests:/ {print "failed=" $10, "errored=" $12, "timeout=" $14}')
fi
awk -v l="$label" -v u=$((u1-u0)) -v s=$((s1-s0)) -v t=$tick -v r=${req:-0} -v rps=$rps -v e="$extra" -v la="$(cut -d' ' -f1 /proc/loadavg)" \
  'BEGIN {printf "%-26s req=%d rps=%s cpu/req=%.1fus (user %.1f + sys %.1f) load=%s %s\n", l, r, rps, (r ? (u+s)/t*1e6/r : 0), (r ? u/t*1e6/r : 0), (r ? s/t*1e6/r : 0), la, e}'
