# Shared by the scripts of deploy/local (sourced, not run): where things are, the ports, the
# configuration files, and how each process is started. Everything a cluster writes lives under
# $SEC_CLUSTER_DIR (default deploy/local/run): conf/, data/, log/ and pids/ (one file per process
# started, which is all stop.sh ever signals).

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
dir=${SEC_CLUSTER_DIR:-$here/run}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

# Ports: the environment's, else those a previous start.sh chose (cluster.env), else the defaults.
if [[ -f $dir/cluster.env ]]; then
  # shellcheck disable=SC1091
  source "$dir/cluster.env"
fi
kafka_port=${SEC_KAFKA_PORT:-${kafka_port:-19092}}
controller_port=${SEC_KAFKA_CONTROLLER_PORT:-${controller_port:-19093}}
rest_port=${SEC_FLINK_REST_PORT:-${rest_port:-18081}}
rpc_port=${SEC_FLINK_RPC_PORT:-${rpc_port:-16123}}
# the standby JobManager's (high availability: two JobManagers, the leader elected through ZooKeeper)
standby_rest_port=${SEC_FLINK_STANDBY_REST_PORT:-${standby_rest_port:-18082}}
standby_rpc_port=${SEC_FLINK_STANDBY_RPC_PORT:-${standby_rpc_port:-16124}}
zookeeper_port=${SEC_ZOOKEEPER_PORT:-${zookeeper_port:-12181}}

# Flink's JVM flags for Java 17 (what a distribution's config.yaml puts in env.java.default-opts.all).
flink_jvm_opts=(
  --add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.text=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED
  # the job's DJL runs offline: its native library comes from the job jar, never from the network
  -Dai.djl.offline=true
)

log() { echo "[$(date +%T)] $*" >&2; }

classpath() { # classpath of deploy/local/flink, kafka or zookeeper, built by mvn package
  local cp=$here/$1/target/classpath.txt lib=$repo/deploy/flink-lib/target/lib
  if [[ ! -s $cp || ( $1 == flink && ! -d $lib ) ]]; then
    log "resolving the $1 classpath from Maven..."
    mvn -B -q -f "$repo/pom.xml" -pl "deploy/local/$1,deploy/flink-lib" -DskipTests package >&2
  fi
  if [[ $1 == flink ]]; then # a distribution's lib/: Flink, then the model runtimes (deploy/flink-lib)
    echo "$(cat "$cp"):$lib/*"
  else
    cat "$cp"
  fi
}

write_config() {
  mkdir -p "$dir"/{conf,data/kafka,data/zookeeper,data/ha,data/checkpoints,data/savepoints,data/tmp,data/uploads,log,pids}
  cat > "$dir/cluster.env" <<ENV
kafka_port=$kafka_port
controller_port=$controller_port
rest_port=$rest_port
rpc_port=$rpc_port
standby_rest_port=$standby_rest_port
standby_rpc_port=$standby_rpc_port
zookeeper_port=$zookeeper_port
ENV
  cat > "$dir/conf/config.yaml" <<YAML
jobmanager.rpc.address: 127.0.0.1
jobmanager.rpc.port: $rpc_port
jobmanager.bind-host: 127.0.0.1
taskmanager.bind-host: 127.0.0.1
taskmanager.host: 127.0.0.1
rest.address: 127.0.0.1
rest.bind-address: 127.0.0.1
rest.port: $rest_port
web.upload.dir: $dir/data/uploads
io.tmp.dirs: $dir/data/tmp
jobmanager.memory.process.size: 1024m
taskmanager.memory.process.size: 1536m
# heap state backend: no managed memory needed, so the task heap gets it
taskmanager.memory.managed.size: 0m
taskmanager.numberOfTaskSlots: 2
parallelism.default: 1
execution.checkpointing.storage: filesystem
execution.buffer-timeout.interval: 5 ms
execution.checkpointing.dir: file://$dir/data/checkpoints
restart-strategy.type: fixed-delay
restart-strategy.fixed-delay.attempts: 1000
restart-strategy.fixed-delay.delay: 1 s
metrics.fetcher.update-interval: 1000
# every process serves Prometheus text on the first free port of the range (JobManager first)
metrics.reporter.prom.factory.class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory
metrics.reporter.prom.port: ${SEC_PROMETHEUS_PORTS:-19250-19270}
# A killed TaskManager is noticed by missed heartbeats (its tasks may have no network partner that
# would notice sooner); Flink's defaults (10 s interval, 2 failed RPCs or 50 s) took 18 s here.
heartbeat.interval: 1000
heartbeat.timeout: 10000
# Two JobManagers (jobmanager1, jobmanager2), the leader elected through ZooKeeper; job graphs,
# blobs and the completed-checkpoint pointers survive a leader's death in storageDir and ZooKeeper.
# A SIGKILLed leader's ZooKeeper session ends after session-timeout: that bounds the failover.
high-availability.type: zookeeper
high-availability.zookeeper.quorum: 127.0.0.1:$zookeeper_port
high-availability.zookeeper.path.root: /flink
high-availability.cluster-id: /sec-local
high-availability.storageDir: file://$dir/data/ha
high-availability.zookeeper.client.session-timeout: 6 s
high-availability.zookeeper.client.connection-timeout: 3 s
execution.checkpointing.savepoint-dir: file://$dir/data/savepoints
YAML
  cat > "$dir/conf/zoo.cfg" <<ZOO
tickTime=1000
dataDir=$dir/data/zookeeper
clientPort=$zookeeper_port
clientPortAddress=127.0.0.1
maxSessionTimeout=20000
admin.enableServer=false
4lw.commands.whitelist=ruok
ZOO
  cat > "$dir/conf/log4j.properties" <<'LOG'
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = MainAppender
appender.main.name = MainAppender
appender.main.type = File
appender.main.append = true
appender.main.fileName = ${sys:log.file}
appender.main.layout.type = PatternLayout
appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
logger.kafka.name = org.apache.kafka
logger.kafka.level = WARN
logger.zookeeper.name = org.apache.flink.shaded.zookeeper3
logger.zookeeper.level = WARN
LOG
  cat > "$dir/conf/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$kafka_port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$kafka_port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/data/kafka
num.partitions=4
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS
  cat > "$dir/conf/kafka-log4j2.properties" <<LOG
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = File
appender.file.name = File
appender.file.type = File
appender.file.fileName = $dir/log/kafka.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
LOG
}

fresh_log() { # the previous run's log kept as NAME.1, so waiting on NAME sees only this start
  [[ -f $dir/log/$1 ]] && mv -f "$dir/log/$1" "$dir/log/$1.1"
  : > "$dir/log/$1"
}

alive() { [[ -f $dir/pids/$1.pid ]] && kill -0 "$(cat "$dir/pids/$1.pid")" 2>/dev/null; }

# Starts a process in the background, its pid in pids/NAME.pid, its output in log/NAME.out.
launch() {
  local name=$1; shift
  if alive "$name"; then
    log "$name is already running (pid $(cat "$dir/pids/$name.pid"))"
    return 0
  fi
  nohup "$@" > "$dir/log/$name.out" 2>&1 < /dev/null &
  echo $! > "$dir/pids/$name.pid"
  log "started $name (pid $!)"
}

wait_for() { # wait_for SECONDS WHAT COMMAND...: polls COMMAND every 0.5 s; gives up early if WAIT_PROCESS died
  local limit=$1 what=$2; shift 2
  local deadline=$((SECONDS + limit))
  until "$@" > /dev/null 2>&1; do
    if [[ -n ${WAIT_PROCESS:-} ]] && ! alive "$WAIT_PROCESS"; then
      log "$WAIT_PROCESS exited while waiting for $what (see $dir/log/$WAIT_PROCESS.out)"
      return 1
    fi
    if (( SECONDS >= deadline )); then
      log "gave up waiting for $what after ${limit}s (logs in $dir/log)"
      return 1
    fi
    sleep 0.5
  done
}

start_kafka() {
  local cp; cp=$(classpath kafka)
  if [[ ! -f $dir/data/kafka/meta.properties ]]; then
    local id; id=$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)
    java -Dlog4j2.configurationFile="$dir/conf/kafka-log4j2.properties" -cp "$cp" kafka.tools.StorageTool format \
      -t "$id" -c "$dir/conf/server.properties" --standalone > "$dir/log/kafka-format.out" 2>&1
  fi
  launch kafka java -Xmx512m -Dlog4j2.configurationFile="$dir/conf/kafka-log4j2.properties" -cp "$cp" \
    kafka.Kafka "$dir/conf/server.properties"
  WAIT_PROCESS=kafka wait_for 60 "Kafka on port $kafka_port" grep -q "Kafka Server started" "$dir/log/kafka.log"
}

start_zookeeper() {
  launch zookeeper java -Xmx256m -Dlog4j2.configurationFile="$dir/conf/log4j.properties" -Dlog.file="$dir/log/zookeeper.log" \
    -Dzookeeper.jmx.log4j.disable=true -cp "$(classpath zookeeper)" org.apache.zookeeper.server.ZooKeeperServerMain "$dir/conf/zoo.cfg"
  # serving: "ruok" answers "imok" only once the server has loaded its data
  WAIT_PROCESS=zookeeper wait_for 60 "ZooKeeper on port $zookeeper_port" bash -c \
    "exec 3<>/dev/tcp/127.0.0.1/$zookeeper_port && echo ruok >&3 && [[ \$(timeout 2 cat <&3) == imok ]]"
}

stop_process() { # TERM, up to 30 s, then KILL; only a pid this cluster started
  local name=$1 pidfile=$dir/pids/$1.pid
  [[ -f $pidfile ]] || return 0
  local pid; pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null && grep -qa -- "$dir" "/proc/$pid/cmdline" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null && (( SECONDS < deadline )); do sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    log "stopped $name (pid $pid)"
  fi
  rm -f "$pidfile"
}

# The JVM flags and -D settings Flink's own scripts would compute for a process (BashJavaUtils).
flink_params() { # flink_params GET_TM_RESOURCE_PARAMS|GET_JM_RESOURCE_PARAMS → two lines: JVM flags, dynamic settings
  local out err=$dir/log/bash-java-utils.err
  if ! out=$(java -cp "$(classpath flink)" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$dir/conf" 2> "$err"); then
    log "Flink's BashJavaUtils $1 failed: $(tail -3 "$err")"
    return 1
  fi
  sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p' <<< "$out"
}

start_jobmanager() { # start_jobmanager jobmanager1|jobmanager2: each its own RPC and REST port
  local name=$1 rest=$rest_port rpc=$rpc_port params jvm dynamic
  [[ $name == jobmanager2 ]] && { rest=$standby_rest_port; rpc=$standby_rpc_port; }
  params=$(flink_params GET_JM_RESOURCE_PARAMS)
  jvm=$(sed -n 1p <<< "$params"); dynamic=$(sed -n 2p <<< "$params")
  # shellcheck disable=SC2086
  launch "$name" java $jvm "${flink_jvm_opts[@]}" -Dlog.file="$dir/log/$name.log" \
    -Dlog4j.configurationFile="file:$dir/conf/log4j.properties" -cp "$(classpath flink)" \
    org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint --configDir "$dir/conf" $dynamic \
    -D "rest.port=$rest" -D "jobmanager.rpc.port=$rpc"
  # a JobManager started beside a busy pipeline (a standby after a failover) took 55 s to serve on 2 cores
  WAIT_PROCESS=$name wait_for 180 "Flink REST on port $rest" curl -sf "http://127.0.0.1:$rest/overview"
}

start_taskmanager() { # start_taskmanager NAME
  local params jvm dynamic
  params=$(flink_params GET_TM_RESOURCE_PARAMS)
  jvm=$(sed -n 1p <<< "$params"); dynamic=$(sed -n 2p <<< "$params")
  [[ -f $dir/pids/$1.pid ]] && alive "$1" || : > "$dir/log/$1.log" # a fresh log, so waiting on it sees this start
  # shellcheck disable=SC2086
  OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE} launch "$1" java $jvm "${flink_jvm_opts[@]}" -Dlog.file="$dir/log/$1.log" \
    -Dlog4j.configurationFile="file:$dir/conf/log4j.properties" -cp "$(classpath flink)" \
    org.apache.flink.runtime.taskexecutor.TaskManagerRunner --configDir "$dir/conf" $dynamic
}

wait_for_taskmanagers() { # at least N registered
  wait_for 90 "$1 TaskManagers" bash -c "[[ \$(curl -sf http://127.0.0.1:$rest_port/overview | sed -n 's/.*\"taskmanagers\":\([0-9]*\).*/\1/p') -ge $1 ]]"
}
