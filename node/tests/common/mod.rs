//! A `vigil-node` started for one test on loopback, asked over plain HTTP JSON-RPC, killed (by
//! PID) when dropped; and a [`Testnet`] of such nodes, validators of the `local` chain.

#![allow(dead_code)]

use std::{
    fs::File,
    io::{Read, Write},
    net::{TcpListener, TcpStream},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// A failure guard, not a pacing device: a healthy node answers within seconds.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(180);

/// The `vigil-node` binary: cargo's for this package's own tests; for the workspace's end-to-end
/// tests (which include this file), `$VIGIL_NODE` or the one beside the test executable's
/// profile directory.
fn node_binary() -> PathBuf {
    if let Some(path) = option_env!("CARGO_BIN_EXE_vigil-node") {
        return PathBuf::from(path);
    }
    if let Some(path) = std::env::var_os("VIGIL_NODE") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().expect("the test executable has a path");
    // target/<profile>/deps/<test-binary>
    exe.parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>/deps")
        .join("vigil-node")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("an ephemeral loopback port")
        .port()
}

/// A node started for one test, killed by its PID when dropped.
pub struct Node {
    child: Child,
    rpc_port: u16,
    log_path: PathBuf,
}

impl Node {
    /// A node with its state in a temporary directory and the block timer off.
    pub fn start(args: &[&str]) -> Node {
        let mut all = args.to_vec();
        all.extend(["--tmp", "--block-time-ms", "0"]);
        Node::spawn(&all, free_port(), free_port(), "rpc-test")
    }

    /// A node on the given loopback ports, with `args` and its log in the temporary directory.
    fn spawn(args: &[&str], rpc_port: u16, p2p_port: u16, label: &str) -> Node {
        let log_path = std::env::temp_dir().join(format!(
            "vigil-node-{label}-{}-{rpc_port}.log",
            std::process::id()
        ));
        let log = File::create(&log_path).expect("create the node's log");
        let child = Command::new(node_binary())
            .args(args)
            .args(["--no-prometheus", "--no-telemetry", "--no-mdns"])
            .args(["--rpc-port", &rpc_port.to_string()])
            .args(["--listen-addr", &format!("/ip4/127.0.0.1/tcp/{p2p_port}")])
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("clone the log handle"))
            .stderr(log)
            .spawn()
            .expect("start vigil-node");
        let mut node = Node {
            child,
            rpc_port,
            log_path,
        };
        node.wait_until_answering();
        node
    }

    /// The WebSocket URL of the node's RPC (the `vigil` client's `--url`).
    pub fn url(&self) -> String {
        format!("ws://127.0.0.1:{}", self.rpc_port)
    }

    /// The `result` of a JSON-RPC call; panics on an error.
    pub fn result(&self, method: &str, params: &str) -> serde_json::Value {
        let body = self
            .call(method, params)
            .unwrap_or_else(|e| panic!("{method}: {e}"));
        let mut response: serde_json::Value =
            serde_json::from_str(&body).unwrap_or_else(|e| panic!("{method}: {e} in {body}"));
        match response.get_mut("result") {
            Some(result) => result.take(),
            None => panic!("{method}: no result in {body}"),
        }
    }

    /// The number and hash of the node's finalized head.
    pub fn finalized(&self) -> (u64, String) {
        let hash = self.result("chain_getFinalizedHead", "[]");
        let hash = hash.as_str().expect("a hash").to_string();
        let header = self.result("chain_getHeader", &format!(r#"["{hash}"]"#));
        (header_number(&header), hash)
    }

    /// The hash of the node's block `number` on its best chain, if it has one.
    pub fn block_hash(&self, number: u64) -> Option<String> {
        self.result("chain_getBlockHash", &format!("[{number}]"))
            .as_str()
            .map(str::to_string)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    fn wait_until_answering(&mut self) {
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("poll the node") {
                panic!("vigil-node exited with {status}; log:\n{}", self.log());
            }
            if self.call("system_health", "[]").is_ok() {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "vigil-node did not answer within {STARTUP_TIMEOUT:?}; log:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// One JSON-RPC call over HTTP; the whole response body.
    pub fn call(&self, method: &str, params: &str) -> std::io::Result<String> {
        let body = format!(r#"{{"jsonrpc":"2.0","id":1,"method":"{method}","params":{params}}}"#);
        let mut stream = TcpStream::connect(("127.0.0.1", self.rpc_port))?;
        stream.set_read_timeout(Some(STARTUP_TIMEOUT))?;
        write!(
            stream,
            "POST / HTTP/1.1\r\nHost: localhost:{}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.rpc_port,
            body.len()
        )?;
        let mut response = String::new();
        stream.read_to_string(&mut response)?;
        match response.split_once("\r\n\r\n") {
            Some((_, body)) => Ok(body.to_string()),
            None => Err(std::io::Error::other("no HTTP body")),
        }
    }

    pub fn best_number(&self) -> u64 {
        let header = self.call("chain_getHeader", "[]").expect("chain_getHeader");
        let hex = header
            .split(r#""number":"0x"#)
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("no block number in {header}"));
        u64::from_str_radix(hex, 16).expect("a hex block number")
    }
}

/// Runs `vigil-node` with `args` until it exits by itself (killed by PID, and the test failed,
/// if it still runs after [`STARTUP_TIMEOUT`]); its exit status and output.
pub fn run_to_exit(args: &[&str]) -> (std::process::ExitStatus, String) {
    let log_path = std::env::temp_dir().join(format!(
        "vigil-node-exit-{}-{}.log",
        std::process::id(),
        free_port()
    ));
    let log = File::create(&log_path).expect("create the node's log");
    let mut child = Command::new(node_binary())
        .args(args)
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("clone the log handle"))
        .stderr(log)
        .spawn()
        .expect("start vigil-node");
    let deadline = Instant::now() + STARTUP_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("poll the node") {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "vigil-node still runs after {STARTUP_TIMEOUT:?}; log:\n{}",
                std::fs::read_to_string(&log_path).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let output = std::fs::read_to_string(&log_path).unwrap_or_default();
    let _ = std::fs::remove_file(&log_path);
    (status, output)
}

fn header_number(header: &serde_json::Value) -> u64 {
    let hex = header["number"].as_str().expect("a header with a number");
    u64::from_str_radix(hex.trim_start_matches("0x"), 16).expect("a hex block number")
}

fn hex_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
        .collect()
}

/// Polls `check` every half second until it returns `Some`, and panics with `what` and `context()`
/// after `timeout`. The timeout is a failure guard only: a healthy network gets there much sooner.
pub fn wait_for<T>(
    timeout: Duration,
    what: &str,
    mut check: impl FnMut() -> Option<T>,
    context: impl Fn() -> String,
) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = check() {
            return value;
        }
        if Instant::now() >= deadline {
            panic!("{what}: not within {timeout:?}\n{}", context());
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// The development authorities of the `local` chain, in its genesis order.
pub const AUTHORITIES: [&str; 4] = ["alice", "bob", "charlie", "dave"];

/// How a validator of a [`Testnet`] is started, again after a restart.
struct Seat {
    name: &'static str,
    rpc_port: u16,
    p2p_port: u16,
    key: String,
    base_path: PathBuf,
    peer_id: String,
}

/// Validators of the `local` chain on loopback: validator `i` runs with the keys of
/// `AUTHORITIES[i]`, a fixed network key, its state in a directory of its own (kept across a
/// restart) and every other validator as a bootnode. Each node is killed by its PID when it is
/// stopped or the testnet dropped; the directories are removed on drop.
pub struct Testnet {
    seats: Vec<Seat>,
    nodes: Vec<Option<Node>>,
    dir: PathBuf,
}

impl Testnet {
    pub fn start(count: usize) -> Testnet {
        assert!(count <= AUTHORITIES.len());
        let dir = std::env::temp_dir().join(format!(
            "vigil-testnet-{}-{}",
            std::process::id(),
            free_port()
        ));
        std::fs::create_dir_all(&dir).expect("create the testnet's directory");
        let seats: Vec<Seat> = AUTHORITIES[..count]
            .iter()
            .enumerate()
            .map(|(i, name)| {
                // A fixed network key: the secret scalar i + 1.
                let key = format!("{:064x}", i + 1);
                Seat {
                    name,
                    rpc_port: free_port(),
                    p2p_port: free_port(),
                    peer_id: peer_id(&dir, &key),
                    key,
                    base_path: dir.join(name),
                }
            })
            .collect();
        let mut testnet = Testnet {
            nodes: seats.iter().map(|_| None).collect(),
            seats,
            dir,
        };
        for i in 0..count {
            testnet.restart(i);
        }
        testnet
    }

    /// Starts validator `i` (again), on the same ports and state.
    pub fn restart(&mut self, i: usize) {
        assert!(self.nodes[i].is_none(), "validator {i} is running");
        let seat = &self.seats[i];
        let bootnodes: Vec<String> = self
            .seats
            .iter()
            .filter(|other| other.name != seat.name)
            .map(|other| {
                format!(
                    "/ip4/127.0.0.1/tcp/{}/p2p/{}",
                    other.p2p_port, other.peer_id
                )
            })
            .collect();
        let authority = format!("--{}", seat.name);
        let base_path = seat.base_path.to_string_lossy().into_owned();
        let mut args = vec![
            "--chain",
            "local",
            "--validator",
            &authority,
            "--name",
            seat.name,
            "--node-key",
            &seat.key,
            "--base-path",
            &base_path,
            "--bootnodes",
        ];
        args.extend(bootnodes.iter().map(String::as_str));
        self.nodes[i] = Some(Node::spawn(&args, seat.rpc_port, seat.p2p_port, seat.name));
    }

    /// Kills validator `i` (by its PID).
    pub fn kill(&mut self, i: usize) {
        let node = self.nodes[i].take().expect("a running validator");
        drop(node);
    }

    /// Validator `i`, which must be running.
    pub fn node(&self, i: usize) -> &Node {
        self.nodes[i].as_ref().expect("a running validator")
    }

    /// The running validators' indices.
    pub fn running(&self) -> Vec<usize> {
        (0..self.nodes.len())
            .filter(|&i| self.nodes[i].is_some())
            .collect()
    }

    /// The lowest finalized number among the running validators.
    pub fn min_finalized(&self) -> u64 {
        self.running()
            .into_iter()
            .map(|i| self.node(i).finalized().0)
            .min()
            .expect("a running validator")
    }

    /// The highest best number among the running validators.
    pub fn max_best(&self) -> u64 {
        self.running()
            .into_iter()
            .map(|i| self.node(i).best_number())
            .max()
            .expect("a running validator")
    }

    /// The index (in `AUTHORITIES`) of the author of block `hash`, from its Aura slot: the
    /// `local` chain's four authorities take the slots in turn.
    pub fn author(&self, node: usize, hash: &str) -> usize {
        let header = self
            .node(node)
            .result("chain_getHeader", &format!(r#"["{hash}"]"#));
        // A pre-runtime digest (6), engine `aura`, a compact length of 8 (0x20), the slot (u64 LE).
        let slot = header["digest"]["logs"]
            .as_array()
            .expect("digest logs")
            .iter()
            .filter_map(|log| log.as_str()?.strip_prefix("0x066175726120"))
            .next()
            .unwrap_or_else(|| panic!("no Aura pre-digest in {header}"));
        let bytes = hex_bytes(&slot[..16]);
        let slot = u64::from_le_bytes(bytes.try_into().expect("8 bytes"));
        (slot % self.seats.len() as u64) as usize
    }

    /// Each running validator's best and finalized numbers and the end of its log: what a
    /// failed wait prints.
    pub fn report(&self) -> String {
        let mut out = String::new();
        for i in self.running() {
            let node = self.node(i);
            let best = node.call("chain_getHeader", "[]").unwrap_or_default();
            let finalized = node
                .call("chain_getFinalizedHead", "[]")
                .unwrap_or_default();
            let log = node.log();
            let tail: Vec<&str> = log.lines().rev().take(15).collect();
            out.push_str(&format!(
                "--- {} best {best}\n    finalized {finalized}\n{}\n",
                self.seats[i].name,
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            ));
        }
        out
    }
}

impl Drop for Testnet {
    fn drop(&mut self) {
        self.nodes.clear();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The peer id of a network key, as the node computes it (`vigil-node key inspect-node-key`).
fn peer_id(dir: &Path, key: &str) -> String {
    let file = dir.join(format!("node-key-{key}"));
    std::fs::write(&file, key).expect("write the node key");
    let out = Command::new(node_binary())
        .args(["key", "inspect-node-key", "--file"])
        .arg(&file)
        .output()
        .expect("run vigil-node key inspect-node-key");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout)
        .expect("a UTF-8 peer id")
        .trim()
        .to_string()
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if !std::thread::panicking() {
            let _ = std::fs::remove_file(&self.log_path);
        }
    }
}
