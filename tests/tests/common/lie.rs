//! A lie on a chosen layer, refuted on chain: a dev node with a model registered, Charlie
//! executing and lying about that layer on every job, Dave challenging every claim.

use std::path::Path;

use subxt_signer::sr25519::dev;

use super::chain::{account, executor, job_status, Api, JobStatus};
use super::processes::{field, vigil, wait_until, Proc};
use super::DevNode;

/// The running scenario; its processes and node are killed (by PID) when it drops.
pub struct LyingExecutor {
    pub api: Api,
    pub url: String,
    pub model_id: String,
    /// The layer Charlie lies about.
    pub layer: usize,
    pub liar: Proc,
    pub challenger: Proc,
    // Last, so that it stops after the programs using it.
    _node: DevNode,
}

impl LyingExecutor {
    /// Start a dev node, register `model_path` as Alice, and run Charlie (lying about `layer`)
    /// and Dave (challenging); returns once Charlie is an executor.
    pub async fn start(model_path: &Path, layer: usize) -> LyingExecutor {
        let mut node = DevNode::start(&["--block-time-ms", "1000"]);
        let api = node.client().await;
        let url = node.url();
        let out = vigil(&[
            "model",
            "register",
            model_path.to_str().unwrap(),
            "--url",
            &url,
            "--seed",
            "//Alice",
        ]);
        let model_id = field(&out, "model id").to_string();
        let lie = format!("layer={layer},rate=1");
        let mut liar = Proc::start(
            "lying-executor",
            &[
                "executor",
                "run",
                "--url",
                &url,
                "--seed",
                "//Charlie",
                "--lie",
                &lie,
            ],
        );
        let mut challenger = Proc::start(
            "challenger",
            &["challenger", "run", "--url", &url, "--seed", "//Dave"],
        );
        let charlie = account(&dev::charlie());
        wait_until(
            "Charlie is an executor",
            &mut [&mut liar, &mut challenger],
            || {
                let api = api.clone();
                async move { executor(&api, &charlie).await.is_some() }
            },
        )
        .await;
        LyingExecutor {
            api,
            url,
            model_id,
            layer,
            liar,
            challenger,
            _node: node,
        }
    }

    /// Charlie's bond now.
    pub async fn liar_bond(&self) -> u128 {
        executor(&self.api, &account(&dev::charlie()))
            .await
            .expect("Charlie is an executor")
            .bond
    }

    /// Eve submits a job on `input` (its raw bytes) and follows it to its end: it must be
    /// refuted, by a dispute that re-executed the layer lied about. Returns the job's id.
    pub async fn submit_and_see_refuted(&mut self, input: &[u8]) -> u64 {
        let file = std::env::temp_dir().join(format!(
            "vigil-lie-{}-{}.bin",
            std::process::id(),
            self.layer
        ));
        std::fs::write(&file, input).unwrap();
        let out = vigil(&[
            "job",
            "submit",
            "--model",
            &self.model_id,
            "--input",
            file.to_str().unwrap(),
            "--fee",
            "1UNIT",
            "--url",
            &self.url,
            "--seed",
            "//Eve",
        ]);
        let _ = std::fs::remove_file(&file);
        let job: u64 = field(&out, "job")
            .split_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no job id in:\n{out}"));
        vigil(&["job", "watch", &job.to_string(), "--url", &self.url]);
        assert_eq!(
            job_status(&self.api, job).await,
            Some(JobStatus::Refuted),
            "challenger log:\n{}",
            self.challenger.log()
        );
        assert!(
            self.challenger.log().contains(&format!(
                "dispute resolved at layer {}: the executor was wrong",
                self.layer
            )),
            "the dispute re-executed layer {}:\n{}",
            self.layer,
            self.challenger.log()
        );
        job
    }
}
