#!/usr/bin/env bash
# A real cluster on this machine, every part its own process: a Kafka broker (KRaft, kafka_2.13
# from Maven Central), a ZooKeeper server, two Flink JobManagers (StandaloneSessionClusterEntrypoint;
# one leads, the other stands by: high availability through ZooKeeper) and two TaskManagers
# (TaskManagerRunner), on classpaths resolved from Maven (there is no flink-dist jar).
#   SEC_CLUSTER_DIR   where conf, data, logs and pids go (default deploy/local/run)
#   SEC_KAFKA_PORT, SEC_KAFKA_CONTROLLER_PORT, SEC_ZOOKEEPER_PORT, SEC_FLINK_REST_PORT, SEC_FLINK_RPC_PORT
#   (jobmanager1), SEC_FLINK_STANDBY_REST_PORT, SEC_FLINK_STANDBY_RPC_PORT (jobmanager2)
# Then: deploy/local/submit.sh (both jobs), deploy/local/stop.sh (ends exactly what this started).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
write_config
start_kafka
start_zookeeper
start_jobmanager jobmanager1 # the leader: the first to start
start_jobmanager jobmanager2
start_taskmanager tm1
start_taskmanager tm2
wait_for_taskmanagers 2
log "cluster up: Kafka 127.0.0.1:$kafka_port, Flink http://127.0.0.1:$rest_port (standby :$standby_rest_port), files in $dir"
