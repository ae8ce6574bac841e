#!/bin/bash
# usage: cpu-per-req.sh <label> <pid> <wrk args...>: one wrk run, and the CPU the pid used per
# request, user and system apart (from /proc/<pid>/stat)
label=$1 pid=$2; shift 2
tick=$(getconf CLK_TCK)
cpu() { awk '{print $14, $15}' /proc/$1/stat; }
read u0 s0 < <(cpu $pid); out=$(wrk "$@" 2>&1); read u1 s1 < <(cpu $pid)
req=$(echo "$out" | awk '/requests in/ {print $1}')
rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
p99=$(echo "$out" | awk '/ 99%/ {print $2}')
err=$(echo "$out" | grep -E "Socket errors|Non-2xx" | tr '\n' ' ')
awk -v l="$label" -v u=$((u1-u0)) -v s=$((s1-s0)) -v t=$tick -v r=$req -v rps=$rps -v p99=$p99 -v e="$err" -v la="$(cut -d' ' -f1 /proc/loadavg)" \
  'BEGIN {printf "%-26s req=%d rps=%s p99=%s cpu/req=%.1fus (user %.1f + sys %.1f) load=%s %s\n", l, r, rps, p99, (u+s)/t*1e6/r, u/t*1e6/r, s/t*1e6/r, la, e}'
