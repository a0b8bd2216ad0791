//! A `vigil-node` started for one test on loopback, asked over plain HTTP JSON-RPC, killed (by
//! PID) when dropped.

#![allow(dead_code)]

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
pub struct Node {
    child: Child,
    rpc_port: u16,
    log_path: PathBuf,
}

impl Node {
    pub fn start(args: &[&str]) -> Node {
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

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if !std::thread::panicking() {
            let _ = std::fs::remove_file(&self.log_path);
        }
    }
}
