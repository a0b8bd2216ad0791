# Shared by the scripts that start a network of validators of the `local` chain on loopback
# (scripts/testnet, scripts/bench-load --testnet). Source it after lib/processes.sh.
#
# Validator i (1..N) is `vigil-node --chain local --validator --<name>` with the development keys
# of `validator_names[i-1]` (Alice, Bob, Charlie, Dave are the four authorities of the
# `local_testnet` preset; Eve and Ferdie run as validators without authority), a fixed network
# key (i, as 32 bytes), free ports, its log in LOGS/node<i>.log, and every other node as a
# bootnode.

validator_names=(alice bob charlie dave eve ferdie)
rpc_ports=()
p2p_ports=()
peer_ids=()
node_pids=()

# start_validators N LOGS NODE_BIN [NODE_ARGS...]: start N validators (their PIDs go to `pids`
# and `node_pids`) and wait until each answers RPC; fail, with the end of its log, if one stops.
start_validators() {
    local nodes="$1" logs="$2" node_bin="$3"
    shift 3
    local i j name
    for i in $(seq 1 "$nodes"); do
        rpc_ports+=("$(free_port)")
        p2p_ports+=("$(free_port)")
        printf '%064x' "$i" >"$logs/node$i.key"
        peer_ids+=("$("$node_bin" key inspect-node-key --file "$logs/node$i.key")")
    done
    for i in $(seq 1 "$nodes"); do
        local bootnodes=()
        for j in $(seq 1 "$nodes"); do
            [ "$j" = "$i" ] && continue
            bootnodes+=("/ip4/127.0.0.1/tcp/${p2p_ports[$((j - 1))]}/p2p/${peer_ids[$((j - 1))]}")
        done
        name="${validator_names[$((i - 1))]}"
        "$node_bin" --chain local --validator "--$name" --tmp --name "node$i-$name" \
            --node-key-file "$logs/node$i.key" \
            --listen-addr "/ip4/127.0.0.1/tcp/${p2p_ports[$((i - 1))]}" \
            --rpc-port "${rpc_ports[$((i - 1))]}" \
            --bootnodes "${bootnodes[@]}" \
            --no-prometheus --no-telemetry --no-mdns "$@" >"$logs/node$i.log" 2>&1 &
        pids+=($!)
        node_pids+=($!)
        echo "node $i ($name): pid $!, RPC $(validator_url "$i"), p2p ${p2p_ports[$((i - 1))]}, peer ${peer_ids[$((i - 1))]}"
    done
    for i in $(seq 1 "$nodes"); do
        until validator_rpc "$i" system_health '[]' >/dev/null; do
            if ! kill -0 "${node_pids[$((i - 1))]}" 2>/dev/null; then
                tail -n 30 "$logs/node$i.log" >&2
                echo "node $i stopped" >&2
                return 1
            fi
            sleep 1
        done
    done
}

# validator_url I: validator I's WebSocket RPC URL.
validator_url() { echo "ws://127.0.0.1:${rpc_ports[$(($1 - 1))]}"; }

# validator_rpc I METHOD PARAMS: a JSON-RPC call to validator I; the response on stdout.
validator_rpc() {
    curl -sf -H 'Content-Type: application/json' \
        -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$2\",\"params\":$3}" \
        "http://127.0.0.1:${rpc_ports[$(($1 - 1))]}"
}

# wait_for_finality I: until validator I has finalized a block after genesis.
wait_for_finality() {
    local result='import json,sys; print(json.load(sys.stdin)["result"])'
    until [ "$(validator_rpc "$1" chain_getFinalizedHead '[]' | python3 -c "$result")" != \
        "$(validator_rpc "$1" chain_getBlockHash '[0]' | python3 -c "$result")" ]; do
        sleep 1
    done
}
