//! Seeded report rows encoded once, then served as bytes: a day's rows for one filter (state,
//! terminal) are deterministic, so the first page that touches the day encodes all of them and
//! every later page (the next page of an export, the same export run again) copies bytes.
//! Bounded: the oldest days are dropped beyond the sandbox's `report_cache_bytes`.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

/// What a day's rows depend on besides the day: the seed, the rows per day (the spacing of
/// their times), and the filter.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub struct DayKey {
    pub seed: u64,
    pub per_day: u64,
    pub day: i64,
    pub state: u8,
    pub terminal: Option<u8>,
}

/// The matching rows of one day, in order, as JSON objects back to back.
#[derive(Default)]
pub struct EncodedDay {
    bytes: Vec<u8>,
    /// `ends[r]` is where row `r` ends in `bytes`.
    ends: Vec<usize>,
}

impl EncodedDay {
    /// Appends the next row, written by `write`.
    pub fn push_with(&mut self, write: impl FnOnce(&mut Vec<u8>)) {
        write(&mut self.bytes);
        self.ends.push(self.bytes.len());
    }

    /// Row `r` (the day's `r`-th matching row), if the day has it.
    pub fn row(&self, r: usize) -> Option<&[u8]> {
        let end = *self.ends.get(r)?;
        let start = if r == 0 { 0 } else { self.ends[r - 1] };
        self.bytes.get(start..end)
    }

    fn size(&self) -> usize {
        self.bytes.len() + self.ends.len() * std::mem::size_of::<usize>()
    }
}

/// The encoded days of one sandbox.
#[derive(Default)]
pub struct EncodedDays {
    days: HashMap<DayKey, Arc<EncodedDay>>,
    order: VecDeque<DayKey>,
    bytes: usize,
}

impl EncodedDays {
    pub fn get(&self, key: &DayKey) -> Option<Arc<EncodedDay>> {
        self.days.get(key).cloned()
    }

    /// Keeps `day` under `key`, dropping the oldest days beyond `budget` bytes.
    pub fn insert(&mut self, key: DayKey, day: Arc<EncodedDay>, budget: usize) {
        if self.days.contains_key(&key) {
            return;
        }
        self.bytes += day.size();
        self.days.insert(key, day);
        self.order.push_back(key);
        while self.bytes > budget && !self.order.is_empty() {
            let Some(old) = self.order.pop_front() else {
                break;
            };
            if let Some(gone) = self.days.remove(&old) {
                self.bytes -= gone.size();
            }
        }
    }
}
