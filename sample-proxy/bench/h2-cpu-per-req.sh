#!/bin/bash
# usage: h2-cpu-per-req.sh <label> <pid> <h2load args...>: one h2load run, and the CPU the pid used
# per request, user and system apart (from /proc/<pid>/stat)
label=$1 pid=$2; shift 2
tick=$(getconf CLK_TCK)
cpu() { awk '{print $14, $15}' /proc/$1/stat; }
read u0 s0 < <(cpu $pid); out=$(h2load "$@" 2>&1); read u1 s1 < <(cpu $pid)
req=$(echo "$out" | awk '/^requests:/ {print $8}')
rps=$(echo "$out" | awk '/finished in/ {print $4}')
bad=$(echo "$out" | awk '/^requests:/ {print "failed=" $10, "errored=" $12, "timeout=" $14}')
awk -v l="$label" -v u=$((u1-u0)) -v s=$((s1-s0)) -v t=$tick -v r=${req:-0} -v rps=$rps -v b="$bad" -v la="$(cut -d' ' -f1 /proc/loadavg)" \
  'BEGIN {printf "%-26s req=%d rps=%s cpu/req=%.1fus (user %.1f + sys %.1f) load=%s %s\n", l, r, rps, (r ? (u+s)/t*1e6/r : 0), (r ? u/t*1e6/r : 0), (r ? s/t*1e6/r : 0), la, b}'
