//! Pacing after a 429. Adobe's limits are per organisation (shared with every other client of
//! it) and not published, so the transport learns them: nothing is held back until the first
//! 429; then request starts are spaced for a little under the rate that got through in the
//! second before it (the requests that started then, less the refused one). When enough got
//! through, that is as fast as it goes. When only a handful did (other clients had used the
//! limit up), the spacing narrows by 15 % each second without a 429, but never below a tenth
//! wider than a spacing that met a 429; such a 429 widens it by half.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

const SECOND: Duration = Duration::from_secs(1);

/// How many requests must have got through in the second before the first 429 for its estimate
/// of the limit to be kept as the floor.
const CONFIDENT: u32 = 10;

/// The starts of the last second, and the spacing 429s set.
#[derive(Debug, Default)]
pub(super) struct Pacer {
    /// When the requests of the last second started (or are due to).
    recent: VecDeque<Instant>,
    /// The least time between two starts, once a 429 came.
    interval: Option<Duration>,
    /// Never narrower than this: a little wider than a pace that met a 429.
    floor: Duration,
    /// When the interval last changed.
    changed: Option<Instant>,
    /// When the last 429 was acted on.
    last_429: Option<Instant>,
    /// The earliest start of the next request.
    next: Option<Instant>,
}

impl Pacer {
    /// Takes the next start slot from `now`: `now` itself until a 429 came, then spaced by the
    /// interval. Returns when to start.
    pub(super) fn slot(&mut self, now: Instant) -> Instant {
        while self
            .recent
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= SECOND)
        {
            self.recent.pop_front();
        }
        self.recover(now);
        let at = self.next.filter(|n| *n > now).unwrap_or(now);
        if let Some(interval) = self.interval {
            self.next = Some(at + interval);
        }
        self.recent.push_back(at);
        at
    }

    /// Narrows the interval by 15 % for each whole second since it last changed, to the floor.
    fn recover(&mut self, now: Instant) {
        let (Some(interval), Some(changed)) = (self.interval, self.changed) else {
            return;
        };
        let seconds = now.saturating_duration_since(changed).as_secs();
        if seconds == 0 {
            return;
        }
        let factor = 0.85_f64.powi(i32::try_from(seconds).unwrap_or(i32::MAX));
        self.interval = Some(interval.mul_f64(factor).max(self.floor));
        self.changed = Some(now);
    }

    /// A 429 came at `now`. The requests already in flight when the first of a burst came
    /// meet the same limit: 429s within a second of the one acted on change nothing more.
    pub(super) fn throttled(&mut self, now: Instant) {
        if self
            .last_429
            .is_some_and(|t| now.saturating_duration_since(t) < SECOND)
        {
            return;
        }
        self.last_429 = Some(now);
        let started = self
            .recent
            .iter()
            .filter(|t| **t <= now && now.duration_since(**t) < SECOND)
            .count();
        let admitted = u32::try_from(started.saturating_sub(1))
            .unwrap_or(u32::MAX)
            .max(1);
        // The spacing for nine tenths of what got through.
        let estimate = SECOND * 10 / (admitted * 9).max(1);
        // A paced interval that met a 429 is too narrow for good. (Unpaced, the starts say
        // little: other clients may have used the limit up.)
        if let Some(met) = self.interval {
            self.floor = self.floor.max(met.mul_f64(1.1));
        }
        // Paced, the starts of the last second only show the spacing itself: widen it. Unpaced,
        // an estimate from enough requests is the floor too (recovery would only find the limit
        // again); one from a handful (others had used the limit up) may recover.
        self.interval = Some(match self.interval {
            None => {
                if admitted >= CONFIDENT {
                    self.floor = self.floor.max(estimate);
                }
                estimate.max(self.floor)
            }
            Some(was) => (was * 3 / 2).max(self.floor),
        });
        self.changed = Some(now);
        self.next = Some(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_held_back_before_a_429() {
        let mut p = Pacer::default();
        let now = Instant::now();
        for _ in 0..50 {
            assert_eq!(p.slot(now), now);
        }
    }

    #[test]
    fn after_a_429_starts_are_spaced_under_the_rate_seen_and_recover_to_a_floor() {
        let mut p = Pacer::default();
        let start = Instant::now();
        // 11 starts in 0.5 s, the eleventh refused: about 10 a second get through.
        for i in 0..11 {
            p.slot(start + Duration::from_millis(i * 50));
        }
        let at = start + Duration::from_millis(500);
        p.throttled(at);
        let first = p.slot(at);
        let second = p.slot(at);
        assert_eq!(first, at);
        assert_eq!(second - first, Duration::from_nanos(111_111_111));
        // Another 429 of the same burst changes nothing.
        p.throttled(second);
        let a = p.slot(second);
        assert_eq!(a - second, Duration::from_nanos(111_111_111));
        // A 429 more than a second later: half as wide again.
        let again = at + Duration::from_millis(1_200);
        p.throttled(again);
        let a = p.slot(again);
        let b = p.slot(again);
        assert_eq!(b - a, Duration::from_nanos(166_666_666));
        // Quiet for ten seconds: narrower, but never as narrow as the pace that met the 429
        // (111 ms, plus a tenth).
        let later = b + Duration::from_secs(10);
        let c = p.slot(later);
        let d = p.slot(later);
        assert_eq!(c, later);
        assert_eq!(d - c, Duration::from_nanos(122_222_222));
    }

    #[test]
    fn an_estimate_made_while_others_shared_the_limit_recovers() {
        let mut p = Pacer::default();
        let start = Instant::now();
        // Refused at the second start: others had used the limit up.
        p.slot(start);
        p.slot(start + Duration::from_millis(10));
        p.throttled(start + Duration::from_millis(20));
        let a = p.slot(start + Duration::from_millis(20));
        let b = p.slot(start + Duration::from_millis(20));
        assert!(b - a > Duration::from_millis(500), "{:?}", b - a);
        // Five quiet seconds later the spacing is under half of that.
        let later = start + Duration::from_secs(6);
        let c = p.slot(later);
        let d = p.slot(later);
        assert!(d - c < (b - a) / 2, "{:?}", d - c);
    }
}
