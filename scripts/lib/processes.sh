# Shared by the scripts that start a node and clients: a free loopback port, waiting for the
# node, and stopping (by PID) every process recorded in the `pids` array. Source it.

# A TCP port that was free a moment ago on loopback.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# PIDs of the processes this script started; the node first.
pids=()

# Stop every process in `pids` (SIGTERM, then wait for each) and drop the signal traps. The last
# started first: the clients while their nodes still answer, then the nodes.
stop_started() {
    trap - INT TERM EXIT
    local i
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        kill "${pids[$i]}" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
}

# wait_for_node VIGIL URL LOG: until `vigil status` gets an answer from URL; if the node (the
# first of `pids`) exits first, print the end of its LOG and fail.
wait_for_node() {
    local vigil="$1" url="$2" log="$3"
    until "$vigil" status --url "$url" >/dev/null 2>&1; do
        if ! kill -0 "${pids[0]}" 2>/dev/null; then
            tail -n 30 "$log" >&2
            echo "the node stopped (is the port of $url taken?)" >&2
            return 1
        fi
        sleep 1
    done
}
