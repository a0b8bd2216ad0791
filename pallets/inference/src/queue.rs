//! Jobs queued by block number, processed in block order from a cursor within a per-block budget.
//!
//! Three queues share this mechanism: [`Settlement`] holds every open job under the block after its
//! deadline (when it is finalized or timed out); [`Expiry`] holds every settled job under the block
//! at which it and its claim are removed, `SettledRetention` blocks after it settled; [`Audits`]
//! holds every new claim under the block after the one that included it, when its audit is drawn. A bucket holds
//! at most `MaxSettlementsPerBucket` jobs; a full bucket spills into the next blocks. Whatever
//! `on_initialize` cannot process in one block stays at the cursor for the next, so nothing is
//! skipped and a backlog drains in order.

use crate::{
    AuditCursor, AuditQueue, Config, Error, ExpiryCursor, ExpiryQueue, JobId, SettlementCursor,
    SettlementQueue,
};
use alloc::vec::Vec;
use frame_support::{
    pallet_prelude::*,
    storage::{StorageMap, StorageValue},
    traits::Get,
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::{One, Saturating};

/// One block's jobs in a queue.
pub type Bucket<T> = BoundedVec<JobId, <T as Config>::MaxSettlementsPerBucket>;

/// How many later blocks [`schedule`] tries when a bucket is full.
pub const SPILL_BLOCKS: u32 = 16;

/// A queue: its buckets and its cursor (the earliest block whose bucket may hold jobs).
pub trait JobQueue<T: Config> {
    type Buckets: StorageMap<BlockNumberFor<T>, Bucket<T>, Query = Bucket<T>>;
    type Cursor: StorageValue<BlockNumberFor<T>, Query = Option<BlockNumberFor<T>>>;
}

/// Open jobs, under the block after their deadline.
pub struct Settlement;
impl<T: Config> JobQueue<T> for Settlement {
    type Buckets = SettlementQueue<T>;
    type Cursor = SettlementCursor<T>;
}

/// Settled jobs, under the block at which they are removed.
pub struct Expiry;
impl<T: Config> JobQueue<T> for Expiry {
    type Buckets = ExpiryQueue<T>;
    type Cursor = ExpiryCursor<T>;
}

/// New claims, under the block whose parent hash draws their audit.
pub struct Audits;
impl<T: Config> JobQueue<T> for Audits {
    type Buckets = AuditQueue<T>;
    type Cursor = AuditCursor<T>;
}

/// Put `job_id` in the bucket of `at`, or of the first later block with room (at most
/// [`SPILL_BLOCKS`] later). Returns the block used.
pub fn schedule<T: Config, Q: JobQueue<T>>(
    job_id: JobId,
    at: BlockNumberFor<T>,
) -> Result<BlockNumberFor<T>, Error<T>> {
    let mut block = at;
    for _ in 0..SPILL_BLOCKS {
        let placed = Q::Buckets::mutate(block, |bucket| bucket.try_push(job_id).is_ok());
        if placed {
            match Q::Cursor::get() {
                Some(cursor) if cursor <= block => {}
                _ => Q::Cursor::put(block),
            }
            return Ok(block);
        }
        block = block.saturating_add(One::one());
    }
    Err(Error::<T>::SettlementQueueFull)
}

/// Call `process(job_id, bucket_block)` for the jobs of the buckets up to `now`, oldest first,
/// until `budget` calls returned `true` (work done, costing `per_item`) or `2 × budget` entries
/// were looked at, whichever comes first. An entry for which `process` returns `false` (stale: the
/// job moved or is gone) costs one read, and counts against the second bound, so a backlog of
/// stale entries cannot make a block's hook run long: at most `budget + 2` bucket reads,
/// `2 × budget` entry reads and `budget × per_item`. Returns the weight used.
pub fn process_due<T: Config, Q: JobQueue<T>>(
    now: BlockNumberFor<T>,
    mut budget: u32,
    per_item: Weight,
    mut process: impl FnMut(JobId, BlockNumberFor<T>) -> bool,
) -> Weight {
    let db = T::DbWeight::get();
    let mut weight = db.reads(1);
    let Some(mut cursor) = Q::Cursor::get() else {
        return weight;
    };
    let mut entries = budget.saturating_mul(2);
    // Empty buckets cost a read each; at most `budget + 2` of them are looked at per block, more
    // than the one new bucket each block adds, so the cursor catches up.
    let mut scans = budget.saturating_add(2);
    while cursor <= now && scans > 0 {
        scans -= 1;
        let bucket = Q::Buckets::get(cursor);
        weight.saturating_accrue(db.reads(1));
        let mut taken = 0usize;
        while taken < bucket.len() && budget > 0 && entries > 0 {
            let job_id = bucket[taken];
            taken += 1;
            entries -= 1;
            weight.saturating_accrue(db.reads(1));
            if process(job_id, cursor) {
                budget -= 1;
                weight.saturating_accrue(per_item);
            }
        }
        if taken < bucket.len() {
            let rest: Bucket<T> = bucket
                .into_iter()
                .skip(taken)
                .collect::<Vec<_>>()
                .try_into()
                .expect("a suffix of a bounded vector fits the same bound; qed");
            Q::Buckets::insert(cursor, rest);
            weight.saturating_accrue(db.writes(1));
            break;
        }
        Q::Buckets::remove(cursor);
        weight.saturating_accrue(db.writes(1));
        cursor = cursor.saturating_add(One::one());
    }
    Q::Cursor::put(cursor);
    weight.saturating_accrue(db.writes(1));
    weight
}

/// The most weight [`process_due`] can use with `budget` and `per_item`.
pub fn max_process_weight<T: Config>(budget: u32, per_item: Weight) -> Weight {
    let db = T::DbWeight::get();
    let budget = u64::from(budget);
    db.reads(1 + (budget + 2) + 2 * budget)
        .saturating_add(db.writes(budget + 3))
        .saturating_add(per_item.saturating_mul(budget))
}
