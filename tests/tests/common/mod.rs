//! A `vigil-node --dev` started for one test on loopback, stopped (by PID) when dropped.

#![allow(dead_code)]

pub mod chain;
pub mod lie;
pub mod processes;

use std::{
    fs::File,
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use subxt::{OnlineClient, SubstrateConfig};

/// A failure guard, not a pacing device: a healthy node answers within seconds.
pub const STARTUP_TIMEOUT: Duration = Duration::from_secs(180);

/// Where the `vigil-node` binary is: `$VIGIL_NODE` if set, else the `vigil-node` next to this test
/// executable's profile directory (`target/<profile>/vigil-node`), which `cargo test --workspace`
/// builds before running any test.
pub fn node_binary() -> PathBuf {
    built_binary("vigil-node", "VIGIL_NODE", "vigil-node")
}

/// A binary of the workspace: `$env_var` if set, else `target/<profile>/<name>` beside this test
/// executable (which `cargo test --workspace` builds before running any test).
pub fn built_binary(name: &str, env_var: &str, package: &str) -> PathBuf {
    if let Some(path) = std::env::var_os(env_var) {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().expect("the test executable has a path");
    // target/<profile>/deps/<test-binary>
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("target/<profile>/deps");
    let candidate = profile_dir.join(name);
    assert!(
        candidate.exists(),
        "{} does not exist: build it first (`cargo build -p {package}`, or run `cargo test \
         --workspace`, which builds it), or point ${env_var} at a binary",
        candidate.display()
    );
    candidate
}

/// A TCP port that was free a moment ago: bound on loopback, then released.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral loopback port");
    listener
        .local_addr()
        .expect("a bound socket has an address")
        .port()
}

/// A running development node. Dropping it kills the process (by PID) and reaps it.
pub struct DevNode {
    child: Child,
    pub rpc_port: u16,
    pub log_path: PathBuf,
}

impl DevNode {
    /// Start `vigil-node --dev` with a temporary base path, RPC and p2p on free loopback ports.
    pub fn start(extra_args: &[&str]) -> DevNode {
        DevNode::spawn(None, free_port(), extra_args)
    }

    /// Start `vigil-node --dev` keeping its state in `base_path`, with RPC on `rpc_port`: started
    /// again with the same two, the node carries on from the chain it stopped with.
    pub fn start_persistent(base_path: &Path, rpc_port: u16, extra_args: &[&str]) -> DevNode {
        DevNode::spawn(Some(base_path), rpc_port, extra_args)
    }

    fn spawn(base_path: Option<&Path>, rpc_port: u16, extra_args: &[&str]) -> DevNode {
        let binary = node_binary();
        let p2p_port = free_port();
        let log_path = std::env::temp_dir().join(format!(
            "vigil-node-test-{}-{}-{}.log",
            std::process::id(),
            rpc_port,
            p2p_port
        ));
        let log = File::create(&log_path).expect("create the node's log file");
        let mut command = Command::new(&binary);
        command.args(["--dev", "--no-prometheus", "--no-telemetry", "--no-mdns"]);
        match base_path {
            Some(path) => command.arg("--base-path").arg(path),
            None => command.arg("--tmp"),
        };
        let child = command
            .args(["--rpc-port", &rpc_port.to_string()])
            .args(["--listen-addr", &format!("/ip4/127.0.0.1/tcp/{p2p_port}")])
            .args(extra_args)
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("clone the log file handle"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", binary.display()));
        DevNode {
            child,
            rpc_port,
            log_path,
        }
    }

    /// Stop the node as an operator would: SIGTERM to its PID, then wait for it to shut down
    /// (it flushes its database); SIGKILL if it has not exited within [`STARTUP_TIMEOUT`].
    pub fn stop(mut self) {
        let pid = self.child.id().to_string();
        let signalled = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        while signalled && Instant::now() < deadline {
            if self
                .child
                .try_wait()
                .expect("poll the node process")
                .is_some()
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        // Drop kills and reaps it.
    }

    /// The node's WebSocket RPC URL.
    pub fn url(&self) -> String {
        format!("ws://127.0.0.1:{}", self.rpc_port)
    }

    /// The last lines of the node's log, for failure messages.
    pub fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(&self.log_path).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    /// Connect a subxt client, retrying while the node starts up; fails if the node exits or
    /// does not answer within [`STARTUP_TIMEOUT`].
    pub async fn client(&mut self) -> OnlineClient<SubstrateConfig> {
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("poll the node process") {
                panic!(
                    "vigil-node exited early with {status}; log:\n{}",
                    self.log_tail()
                );
            }
            match OnlineClient::<SubstrateConfig>::from_insecure_url(self.url()).await {
                Ok(client) => return client,
                Err(e) if Instant::now() < deadline => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!(
                    "vigil-node did not answer on {} within {:?}: {e}; log:\n{}",
                    self.url(),
                    STARTUP_TIMEOUT,
                    self.log_tail()
                ),
            }
        }
    }
}

impl Drop for DevNode {
    fn drop(&mut self) {
        // `Child::kill` signals exactly this process id.
        let _ = self.child.kill();
        let _ = self.child.wait();
        if !std::thread::panicking() {
            let _ = std::fs::remove_file(&self.log_path);
        }
    }
}
