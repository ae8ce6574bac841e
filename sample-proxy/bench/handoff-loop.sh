#!/bin/bash
# usage: handoff-loop.sh <count> <port> <upstream-port> <logdir>
# Hot-upgrades the sample proxy on <port> <count> times, each a new JVM with the counters the
# controller sets (VERSION=k+1, ALT=k), labels v1/v2 alternating; waits for "took over", logs the
# listener inode, SIGTERMs the previous old side once it idles (the controller's reset).
n=$1 port=$2 up=$3 dir=$4
JAR=${PROXY_JAR:-/work/main/sample-proxy/target/sample-proxy.jar}
OPTS=@${PROXY_OPTIONS:-/work/main/sample-proxy/src/main/jib/opt/sidecarset/jvm/proxy.options}
log=$dir/handoffs.log; : > $log
cur=$(cat $dir/proxy.pid); prev=""
for i in $(seq $n); do
  v=$((i + 1)); label=v$(( v % 2 == 1 ? 1 : 2 ))
  t0=$(date +%s.%N)
  rm -f $dir/proxy-$v.log   # a log of an earlier run would be read before the new JVM truncates it
  SIDECARSET_RUN_DIR=$dir/run PROXY_VERSION=$label SIDECARSET_VERSION=$v SIDECARSET_VERSION_ALT=$((v - 1)) \
    setsid java $OPTS -jar $JAR proxy --listen 127.0.0.1:$port --upstream 127.0.0.1:$up --drain-timeout 10s $EXTRA_ARGS \
    > $dir/proxy-$v.log 2>&1 < /dev/null &
  new=$!
  for w in $(seq 600); do grep -q "took over" $dir/proxy-$v.log && break; sleep 0.1; done
  echo "$(date +%T.%3N) handoff $i: pid $new ($label) $(grep -o 'predecessor stopped accepting.*' $dir/proxy-$v.log) listener $(ss -Hltne "sport = :$port" | grep -o 'ino:[0-9]*')" >> $log
  if [ -n "$prev" ]; then
    for w in $(seq 200); do grep -q "idle until SIGTERM" $dir/proxy-$((v - 2)).log 2>/dev/null && break; sleep 0.1; done
    echo "   old pid $prev: client connections $(ss -Htnp state established "( sport = :$port )" | grep -c "pid=$prev,")" >> $log
    kill -TERM $prev
  fi
  prev=$cur; cur=$new; echo $cur > $dir/proxy.pid
  sleep 1.5
done
for w in $(seq 200); do grep -q "idle until SIGTERM" $dir/proxy-$((n)).log 2>/dev/null && break; sleep 0.1; done
kill -TERM $prev
