//! The kitchen's clock: simulated milliseconds on the wall clock, `--speed` times faster.
//!
//! No process keeps a shared epoch. Every message carries its simulated publication time
//! (`at_ms`) and the stream stamps the wall-clock time it stored it; a handler's "now" is
//! the message's `at_ms` plus the wall time since, times the speed. So cooks on another
//! machine, or restarted, read the same time off the messages they handle.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The wall clock, in ms since 1970.
pub fn wall_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// Simulated time at `--speed`.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    /// How many simulated ms pass in one real ms.
    pub speed: f64,
}

impl Clock {
    /// Simulated now, for a message published at simulated `at_ms` and stored at wall
    /// `published_ms`: never before the message.
    pub fn now_from(&self, at_ms: u64, published_ms: u64) -> u64 {
        let since = wall_ms().saturating_sub(published_ms) as f64 * self.speed;
        at_ms + since as u64
    }

    /// Simulated now for the actor that started the kitchen at wall `start_ms`.
    pub fn since(&self, start_ms: u64) -> u64 {
        (wall_ms().saturating_sub(start_ms) as f64 * self.speed) as u64
    }

    /// The real time that `sim_ms` simulated ms take.
    pub fn real(&self, sim_ms: u64) -> Duration {
        Duration::from_micros((sim_ms as f64 * 1000.0 / self.speed) as u64)
    }

    /// The wall-clock ms at which simulated `at` comes, simulated `now` being this moment.
    pub fn wall_at(&self, at: u64, now: u64) -> u64 {
        wall_ms() + (at.saturating_sub(now) as f64 / self.speed) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_times_faster() {
        let clock = Clock { speed: 10.0 };
        assert_eq!(clock.real(2500), Duration::from_millis(250));
        let now = wall_ms();
        let at = clock.wall_at(1000, 0);
        assert!((now + 100..=now + 150).contains(&at), "{at} vs {now}");
        assert!(clock.now_from(500, now) >= 500);
    }
}
