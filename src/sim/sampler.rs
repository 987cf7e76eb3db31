//! Queue-length samples: the peak queue of every actor, and the messages it took, in each
//! interval of simulated time in which something happened (for the page's chart: queue
//! length beside throughput).

use super::recorded::Recorded;

/// The part of the sampler that moves with the simulation (snapshotted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sampler {
    /// Interval being filled.
    pub bucket: u64,
    /// Peak queue length per actor in that interval so far.
    pub peak: Vec<u16>,
    /// Rows written so far.
    pub rows: usize,
}

/// Recorded rows: interval index and one peak per actor (the frontier of the run). Rows
/// may grow wider as the run goes (a cook is hired): each row says where it ends.
#[derive(Debug, Clone, Default)]
pub struct Samples {
    /// Interval index of each row: a side log of the known run, as the faults are (the
    /// columns below follow it).
    pub buckets: Recorded<u64>,
    /// The rows' values, one per actor present in the interval, row after row.
    pub values: Vec<u16>,
    /// Beside each value, the messages that actor had taken in all by the interval's end
    /// ([`crate::sim::load::Load::taken`]; what it took in the interval is the difference
    /// with the row before).
    pub taken: Vec<u32>,
    /// Where each row ends in `values`.
    pub ends: Vec<usize>,
}

impl Sampler {
    /// A sampler for `actors` actors.
    pub fn new(actors: usize) -> Self {
        Sampler { bucket: 0, peak: vec![0; actors], rows: 0 }
    }

    /// One more actor on the floor (a worker hired).
    pub fn add(&mut self) {
        self.peak.push(0);
    }

    /// A queue reached `len`.
    pub fn observe(&mut self, actor: usize, len: usize) {
        let len = len.min(u16::MAX as usize) as u16;
        if self.peak[actor] < len {
            self.peak[actor] = len;
        }
    }

    /// Time moved to `bucket`: the finished interval becomes a row (with `taken`, each
    /// actor's messages taken in all); the new one starts from the queues as they are
    /// (`current`).
    pub fn advance(
        &mut self,
        bucket: u64,
        samples: &mut Samples,
        current: impl Fn(usize) -> usize,
        taken: impl Iterator<Item = u32>,
    ) {
        if bucket == self.bucket {
            return;
        }
        if samples.buckets.record(&mut self.rows, self.bucket) {
            samples.values.extend_from_slice(&self.peak);
            samples.taken.extend(taken);
            samples.ends.push(samples.values.len());
        }
        self.bucket = bucket;
        for (i, p) in self.peak.iter_mut().enumerate() {
            *p = current(i).min(u16::MAX as usize) as u16;
        }
    }
}

impl Samples {
    /// Forgets rows from `rows` on.
    pub fn truncate(&mut self, rows: usize) {
        self.buckets.truncate(rows);
        let end = if rows == 0 { 0 } else { self.ends.get(rows - 1).copied().unwrap_or(0) };
        self.values.truncate(end);
        self.taken.truncate(end);
        self.ends.truncate(rows);
    }

    /// Row `row`'s values (one per actor present then).
    pub fn row(&self, row: usize) -> &[u16] {
        let start = if row == 0 { 0 } else { self.ends[row - 1] };
        &self.values[start..self.ends[row]]
    }

    /// Row `row`'s messages taken in all by its end (one per actor present then).
    pub fn taken_row(&self, row: usize) -> &[u32] {
        let start = if row == 0 { 0 } else { self.ends[row - 1] };
        &self.taken[start..self.ends[row]]
    }
}
