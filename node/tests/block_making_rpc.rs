//! Who may make blocks on demand. The manual-seal RPC (`engine_createBlock`) moves the chain's
//! clock, and with it every challenge window and claim deadline, so the node serves it only on a
//! development chain whose RPC allows unsafe methods. These tests start the real `vigil-node`
//! binary on loopback and ask it over plain HTTP JSON-RPC.
//!
//! Being an integration test of the `vigil-node` package, this file also makes
//! `cargo test --workspace` build the `vigil-node` binary, which the end-to-end tests in
//! `tests/` start.

use std::{
    fs::File,
    io::{Read, Write},
    net::{TcpListener, TcpStream},
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// A failure guard, not a pacing device: a healthy node answers within seconds.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(180);

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("an ephemeral loopback port")
        .port()
}

/// A node started for one test, killed by its PID when dropped.
struct Node {
    child: Child,
    rpc_port: u16,
    log_path: PathBuf,
}

impl Node {
    fn start(args: &[&str]) -> Node {
        let rpc_port = free_port();
        let p2p_port = free_port();
        let log_path = std::env::temp_dir().join(format!(
            "vigil-node-rpc-test-{}-{rpc_port}.log",
            std::process::id()
        ));
        let log = File::create(&log_path).expect("create the node's log");
        let child = Command::new(env!("CARGO_BIN_EXE_vigil-node"))
            .args(args)
            .args(["--tmp", "--no-prometheus", "--no-telemetry", "--no-mdns"])
            .args(["--block-time-ms", "0"])
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

    fn log(&self) -> String {
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
    fn call(&self, method: &str, params: &str) -> std::io::Result<String> {
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

    fn best_number(&self) -> u64 {
        let header = self.call("chain_getHeader", "[]").expect("chain_getHeader");
        let hex = header
            .split(r#""number":"0x"#)
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("no block number in {header}"));
        u64::from_str_radix(hex, 16).expect("a hex block number")
    }
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

const CREATE_BLOCK: (&str, &str) = ("engine_createBlock", "[true,true,null]");

/// JSON-RPC's "method not found".
fn is_method_not_found(response: &str) -> bool {
    response.contains("-32601")
}

#[test]
fn dev_chain_on_loopback_makes_blocks_on_demand() {
    let node = Node::start(&["--dev"]);
    assert_eq!(node.best_number(), 0, "the timer is off");
    let response = node.call(CREATE_BLOCK.0, CREATE_BLOCK.1).unwrap();
    assert!(
        response.contains(r#""result""#) && response.contains("hash"),
        "engine_createBlock failed on --dev: {response}"
    );
    assert_eq!(node.best_number(), 1);
}

#[test]
fn local_chain_does_not_serve_block_making() {
    // A fixed network key: a node of a chain other than --dev does not make one up.
    let node = Node::start(&[
        "--chain",
        "local",
        "--alice",
        "--node-key",
        "0000000000000000000000000000000000000000000000000000000000000001",
    ]);
    let response = node.call(CREATE_BLOCK.0, CREATE_BLOCK.1).unwrap();
    assert!(
        is_method_not_found(&response),
        "a --chain local node must not serve engine_createBlock: {response}"
    );
    let response = node
        .call("engine_finalizeBlock", r#"["0x00",null]"#)
        .unwrap();
    assert!(is_method_not_found(&response), "{response}");
    assert_eq!(node.best_number(), 0);
}

#[test]
fn dev_chain_with_safe_rpc_does_not_serve_block_making() {
    let node = Node::start(&["--dev", "--rpc-methods", "safe"]);
    let response = node.call(CREATE_BLOCK.0, CREATE_BLOCK.1).unwrap();
    assert!(
        is_method_not_found(&response),
        "--rpc-methods safe must not serve engine_createBlock: {response}"
    );
    assert_eq!(node.best_number(), 0);
}
