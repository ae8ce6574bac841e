#!/bin/bash
# One benchmark session, bounded: backend (nginx :18280), HAProxy (:15201 h1, :15203 h2c) and the
# sample proxy (:15211) side by side with the anchors' wrk command. Output: results/<label>.txt
cd "${BENCH_DIR:-/tmp/proxybench}"
JAR=${PROXY_JAR:-/work/main/sample-proxy/target/sample-proxy.jar}
OPTS=@${PROXY_OPTIONS:-/work/main/sample-proxy/src/main/jib/opt/sidecarset/jvm/proxy.options}
start_proxy() {  # start_proxy <workers> [transport] [port] -> pid in proxy[-transport].pid
  t=${2:-auto} port=${3:-15211} tag=${2:+-$2}
  rm -rf run$tag; mkdir -p run$tag
  SIDECARSET_RUN_DIR=${BENCH_DIR:-/tmp/proxybench}/run$tag PROXY_VERSION=v1 SIDECARSET_VERSION=1 SIDECARSET_VERSION_ALT=0 \
    setsid java $OPTS ${PROXY_EXTRA_OPTS:-} -jar $JAR proxy --listen 127.0.0.1:$port --upstream 127.0.0.1:18280 --workers $1 --drain-timeout 10s \
    --transport $t > proxy$tag-1.log 2>&1 < /dev/null &
  echo $! > proxy$tag.pid
  for w in $(seq 300); do grep -q "listening on" proxy$tag-1.log && break; sleep 0.1; done
  grep -h "transport" proxy$tag-1.log
}
stop_proxy() { kill -TERM $(cat proxy${1:+-$1}.pid) 2>/dev/null; sleep 1; }
rss() { awk '/VmRSS/ {print $2}' /proc/$1/status; }
hwm() { awk '/VmHWM/ {print $2}' /proc/$1/status; }
HAW=$(pgrep -P $(cat haproxy.pid) | head -1)
mode=$1; shift
case $mode in
  throughput)   # throughput <workers>: HAProxy, the proxy (auto: io_uring here) and the proxy on epoll;
                #   keep-alive and Connection: close with wrk, then h2c with h2load
    start_proxy $1
    start_proxy $1 epoll 15212
    for port in 15211 15212; do   # warm the JIT with every kind of traffic, as a serving pod is
      wrk -t2 -c64 -d5s http://127.0.0.1:$port/ > /dev/null
      wrk -t2 -c64 -d5s -H 'Connection: close' http://127.0.0.1:$port/ > /dev/null
      h2load -n 100000 -c 32 -m 10 http://127.0.0.1:$port/ > /dev/null
    done
    for r in 1 2; do
      ./cpu-per-req.sh "backend-direct-r$r" $(cat backend.pid) -t2 -c64 -d15s --latency http://127.0.0.1:18280/
      ./cpu-per-req.sh "haproxy-ka-r$r" $HAW -t2 -c64 -d15s --latency http://127.0.0.1:15201/
      ./cpu-per-req.sh "proxy-w$1-ka-r$r" $(cat proxy.pid) -t2 -c64 -d15s --latency http://127.0.0.1:15211/ &
      W=$!; sleep 8; echo "   proxy RSS under keep-alive load: $(rss $(cat proxy.pid)) KiB"; wait $W
      ./cpu-per-req.sh "proxy-epoll-w$1-ka-r$r" $(cat proxy-epoll.pid) -t2 -c64 -d15s --latency http://127.0.0.1:15212/
      ./cpu-per-req.sh "haproxy-close-r$r" $HAW -t2 -c64 -d15s --latency -H 'Connection: close' http://127.0.0.1:15201/
      ./cpu-per-req.sh "proxy-w$1-close-r$r" $(cat proxy.pid) -t2 -c64 -d15s --latency -H 'Connection: close' http://127.0.0.1:15211/
      ./cpu-per-req.sh "proxy-epoll-w$1-close-r$r" $(cat proxy-epoll.pid) -t2 -c64 -d15s --latency -H 'Connection: close' http://127.0.0.1:15212/
    done
    H2="-n 300000 -c 32 -m 10"   # h2c with prior knowledge: 32 connections, 10 streams each
    for r in 1 2; do
      ./cpu-per-req.sh "haproxy-h2c-r$r" $HAW h2load $H2 http://127.0.0.1:15203/
      ./cpu-per-req.sh "proxy-w$1-h2c-r$r" $(cat proxy.pid) h2load $H2 http://127.0.0.1:15211/
      ./cpu-per-req.sh "proxy-epoll-w$1-h2c-r$r" $(cat proxy-epoll.pid) h2load $H2 http://127.0.0.1:15212/
    done
    stop_proxy epoll
    stop_proxy ;;
  memory)       # memory <workers>: resident memory of the proxy and of HAProxy's worker, each under
                #   wrk keep-alive at full load in turn (two rounds), after warming the proxy
                #   with every kind of traffic; PROXY_EXTRA_OPTS adds JVM flags to the proxy
    start_proxy $1
    wrk -t2 -c64 -d5s http://127.0.0.1:15211/ > /dev/null
    wrk -t2 -c64 -d5s -H 'Connection: close' http://127.0.0.1:15211/ > /dev/null
    h2load -n 100000 -c 32 -m 10 http://127.0.0.1:15211/ > /dev/null
    for r in 1 2; do
      for target in "15201 $HAW haproxy" "15211 $(cat proxy.pid) proxy"; do
        set -- $target
        wrk -t2 -c64 -d12s http://127.0.0.1:$1/ > wrk-memory.txt & W=$!
        sleep 8; echo "round $r keep-alive: $3 VmRSS $(rss $2) KiB"; wait $W
        grep Requests/sec wrk-memory.txt
      done
    done
    echo "peak VmHWM: proxy $(hwm $(cat proxy.pid)) KiB, HAProxy worker $(hwm $HAW) KiB"
    stop_proxy ;;
  handoffs)     # handoffs <workers> <label> [wrk header args...]: 20 handoffs under wrk
    w=$1 label=$2; shift 2
    start_proxy $w
    wrk -t2 -c64 -d5s http://127.0.0.1:15211/ > /dev/null
    mkdir -p results

    ( sleep 5; EXTRA_ARGS="--workers $w" ./handoff-loop.sh 20 15211 18280 ${BENCH_DIR:-/tmp/proxybench} ) &
    L=$!
    ./run-wrk.sh $label -t2 -c64 -d330s --latency "$@" http://127.0.0.1:15211/ > /dev/null
    wait $L
    cat results/$label.txt; echo "--- handoffs"; cat handoffs.log
    stop_proxy ;;
esac
