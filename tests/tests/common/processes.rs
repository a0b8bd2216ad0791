//! The `vigil` program run as a person would: one-shot commands and long-running processes
//! (executors, challengers), each killed by PID when its guard drops.

use std::{
    fs::File,
    path::{Path, PathBuf},
    process::{Child, Command, Output, Stdio},
    sync::atomic::{AtomicUsize, Ordering},
    time::{Duration, Instant},
};

/// A failure guard for each wait; a healthy run needs a small fraction of it.
pub const WAIT: Duration = Duration::from_secs(300);

/// The `vigil` binary: `$VIGIL_BIN`, or `target/<profile>/vigil` beside this test's profile
/// directory.
pub fn vigil_binary() -> PathBuf {
    super::built_binary("vigil", "VIGIL_BIN", "vigil-client")
}

/// The repository's root directory.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is in the repository")
        .into()
}

/// A long-running `vigil` process (executor, challenger), killed by PID when dropped.
pub struct Proc {
    name: &'static str,
    child: Child,
    log_path: PathBuf,
}

impl Proc {
    pub fn start(name: &'static str, args: &[&str]) -> Proc {
        static STARTED: AtomicUsize = AtomicUsize::new(0);
        let n = STARTED.fetch_add(1, Ordering::Relaxed);
        let log_path =
            std::env::temp_dir().join(format!("vigil-e2e-{}-{n}-{name}.log", std::process::id()));
        let log = File::create(&log_path).expect("create a log file");
        let child = Command::new(vigil_binary())
            .args(args)
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("clone the log handle"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("start vigil {name}: {e}"));
        Proc {
            name,
            child,
            log_path,
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    pub fn assert_running(&mut self) {
        if let Some(status) = self.child.try_wait().expect("poll a process") {
            panic!(
                "vigil {} exited with {status}; log:\n{}",
                self.name,
                self.log()
            );
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("--- vigil {} log ---\n{}", self.name, self.log());
        } else {
            let _ = std::fs::remove_file(&self.log_path);
        }
    }
}

/// Run `vigil args…` to completion (killed by PID if it outlives [`WAIT`]) and return what it
/// did. The output is read while the program runs, so a program that prints more than a pipe
/// holds does not block.
fn run(args: &[&str]) -> Output {
    let child = Command::new(vigil_binary())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("start vigil {args:?}: {e}"));
    let pid = child.id();
    let (done, finished) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let output = child.wait_with_output();
        let _ = done.send(());
        output
    });
    if finished.recv_timeout(WAIT).is_err() {
        // The program is still running: stop exactly this process.
        let _ = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status();
        let _ = reader.join();
        panic!("vigil {args:?} did not finish within {WAIT:?}");
    }
    reader
        .join()
        .expect("the reader thread")
        .expect("collect vigil output")
}

/// Run `vigil args…` to completion; panic unless it succeeds; return its standard output.
pub fn vigil(args: &[&str]) -> String {
    let Output {
        status,
        stdout,
        stderr,
    } = run(args);
    let stdout = String::from_utf8_lossy(&stdout).into_owned();
    assert!(
        status.success(),
        "vigil {args:?} failed with {status}:\n{stdout}\n{}",
        String::from_utf8_lossy(&stderr)
    );
    stdout
}

/// Run `vigil args…` to completion, expecting it to fail; return what it printed (standard
/// output, then standard error).
pub fn vigil_fails(args: &[&str]) -> String {
    let Output {
        status,
        stdout,
        stderr,
    } = run(args);
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&stdout),
        String::from_utf8_lossy(&stderr)
    );
    assert!(
        !status.success(),
        "vigil {args:?} was expected to fail:\n{printed}"
    );
    printed
}

/// Wait until `check` holds, polling; panic after [`WAIT`] with `what` and the processes' logs.
pub async fn wait_until<F, Fut>(what: &str, procs: &mut [&mut Proc], mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + WAIT;
    loop {
        if check().await {
            return;
        }
        for p in procs.iter_mut() {
            p.assert_running();
        }
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The value after `label` on the line of `output` that starts with it.
pub fn field<'a>(output: &'a str, label: &str) -> &'a str {
    output
        .lines()
        .find_map(|l| l.strip_prefix(label))
        .map(str::trim)
        .unwrap_or_else(|| panic!("no `{label}` line in:\n{output}"))
}

/// Alice registers the bundled digits classifier on the node at `url`; returns its model id.
pub fn register_digits(url: &str) -> String {
    let model_path = repo_root().join("models/digits.vgm");
    let out = vigil(&[
        "model",
        "register",
        model_path.to_str().unwrap(),
        "--url",
        url,
        "--seed",
        "//Alice",
    ]);
    let model_id = field(&out, "model id").to_string();
    assert!(
        model_id.starts_with("0x") && model_id.len() == 66,
        "no model id in:\n{out}"
    );
    model_id
}

/// Eve submits a job for model `model_id` on `input` with `fee` (base units or e.g. `1UNIT`);
/// returns the job's id and the executor the chain assigned.
pub fn submit_job(url: &str, model_id: &str, input: &Path, fee: &str) -> (u64, String) {
    let out = vigil(&[
        "job",
        "submit",
        "--model",
        model_id,
        "--input",
        input.to_str().unwrap(),
        "--fee",
        fee,
        "--url",
        url,
        "--seed",
        "//Eve",
    ]);
    let job_id = field(&out, "job")
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no job id in:\n{out}"));
    (job_id, field(&out, "executor").to_string())
}
