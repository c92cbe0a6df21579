//! What one frame of the window costs the UI thread, on the real app with 100,000 history
//! records (`AEP_BENCH_ROWS` to change the size) and the emulator on loopback.
//!
//! egui_kittest drives the app without a renderer: a frame is egui's pass over the app's `ui`
//! (layout and shapes, no tessellation or GPU), plus the AccessKit tree that kittest always asks
//! for and the real window builds only for a screen reader, so the figures are an upper bound of
//! the app's own share. Each frame is timed by the CPU time of this thread (the UI thread), so
//! waiting and other threads (the worker running SQLite and HTTP, the emulator) do not count.
//!
//! Scenarios: scrolling the history table, typing a search term one character at a time (frames
//! until the table shows the new result), and the window while a create that the emulator
//! delays by 3 s is in flight. Aims: median < 2 ms and worst < 8 ms per frame for the history;
//! worst < 16 ms during the slow request.
//!
//! Run: `cargo bench --bench ui_frames`.
#![expect(
    clippy::unwrap_used,
    clippy::print_stdout,
    reason = "a benchmark fails loudly, and prints its figures"
)]

use std::time::{Duration, Instant};

use aep_s3_connect::emulator::{Fault, FaultRoute};
use aep_s3_connect::store::history::{HistoryQuery, HistoryStore};
use aep_s3_connect::store::paths::AppPaths;
use aep_s3_connect::ui::AepApp;
use cpu_time::ThreadTime;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

#[path = "../tests/it/common/mod.rs"]
mod common;

use common::World;
use common::ui::{app_on, has_label, step_until, type_into};

/// How many records the history holds.
fn rows() -> usize {
    common::history::bench_rows()
}

/// Wheel steps while scrolling the table (120 points each, about five rows).
const SCROLL_FRAMES: usize = 400;

/// Typed one character at a time into the history search.
const SEARCH: &str = "connection 01";

/// How long the emulator sits on the create request.
const SLOW_CREATE: Duration = Duration::from_secs(3);

/// CPU times of the frames of one scenario.
#[derive(Default)]
struct Frames {
    cpu: Vec<Duration>,
    wall: Vec<Duration>,
}

impl Frames {
    /// Runs one frame of `h` and records what it cost this thread.
    fn step(&mut self, h: &mut Harness<'_, AepApp>) {
        let wall = Instant::now();
        let cpu = ThreadTime::now();
        h.step();
        self.cpu.push(cpu.elapsed());
        self.wall.push(wall.elapsed());
    }

    /// `(median, worst)` of `times`.
    fn stats(times: &[Duration]) -> (Duration, Duration) {
        let mut sorted = times.to_vec();
        sorted.sort();
        (
            sorted.get(sorted.len() / 2).copied().unwrap_or_default(),
            sorted.last().copied().unwrap_or_default(),
        )
    }

    /// One line of the results table.
    fn row(&self, scenario: &str, aim: &str) -> String {
        let (median, worst) = Self::stats(&self.cpu);
        let (wall_median, wall_worst) = Self::stats(&self.wall);
        // Which frame was the worst, to look for a pattern across runs.
        let worst_at = self
            .cpu
            .iter()
            .position(|&t| t == worst)
            .unwrap_or_default();
        format!(
            "| {scenario} | {} | {:.3} | {:.3} (frame {worst_at}) | {:.3} | {:.3} | {aim} |",
            self.cpu.len(),
            ms(median),
            ms(worst),
            ms(wall_median),
            ms(wall_worst),
        )
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// True when the table shows `total` records and no row waits for its page.
fn shows(h: &Harness<'_, AepApp>, total: usize) -> bool {
    let label = match total {
        0 => "No records match the search and filters.".to_owned(),
        n => format!("{n} records"),
    };
    has_label(h, &label) && h.query_all_by_label("…").next().is_none()
}

/// Frames while the wheel scrolls the table down, then until every page in view has arrived.
fn scroll(h: &mut Harness<'_, AepApp>, total: usize) -> Frames {
    let newest = format!("Connection {:05}", total - 1);
    assert!(
        has_label(h, &newest),
        "the table starts at the newest record"
    );
    // The pointer over the history list (the left half of the window), so the wheel scrolls it.
    h.event(egui::Event::PointerMoved(egui::pos2(250.0, 450.0)));
    h.step();
    let mut frames = Frames::default();
    for _ in 0..SCROLL_FRAMES {
        h.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, -120.0),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
            modifiers: egui::Modifiers::NONE,
        });
        frames.step(h);
    }
    settle(h, &mut frames, |h| shows(h, total));
    // After ~2,000 rows of scrolling the newest record is out of view.
    assert!(!has_label(h, &newest), "the wheel did not scroll the table");
    frames
}

/// Frames while `SEARCH` is typed, each character followed by frames until the table shows
/// that prefix's result (its count from the store, and every row in view loaded).
fn type_search(h: &mut Harness<'_, AepApp>, store: &HistoryStore) -> Frames {
    type_into(h, "Search history", "");
    let mut frames = Frames::default();
    for end in 1..=SEARCH.len() {
        let prefix = &SEARCH[..end];
        let total = store
            .count(&HistoryQuery {
                search: Some(prefix.to_owned()),
                ..HistoryQuery::default()
            })
            .unwrap();
        h.get_by_role_and_label(Role::TextInput, "Search history")
            .type_text(&SEARCH[end - 1..end]);
        frames.step(h);
        settle(h, &mut frames, |h| shows(h, total));
    }
    frames
}

/// Frames while a create the emulator holds for [`SLOW_CREATE`] is in flight, at about 60 Hz.
fn slow_create(w: &World, h: &mut Harness<'_, AepApp>) -> Frames {
    w.emu().inject(
        Fault::new(FaultRoute::CreateConnection)
            .delay_ms(u64::try_from(SLOW_CREATE.as_millis()).unwrap()),
    );
    h.get_by_role_and_label(Role::Button, "New connection")
        .click();
    step_until(h, "the form", |h| has_label(h, "Create connection"));
    type_into(h, "Name", "Slow one");
    type_into(h, "Access key ID", "AKIAIOSFODNN7EXAMPLE");
    type_into(
        h,
        "Secret access key",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    );
    h.get_by_role_and_label(Role::Button, "Create connection")
        .click();
    step_until(h, "the running state", |h| has_label(h, "Cancel"));
    let mut frames = Frames::default();
    let deadline = Instant::now() + SLOW_CREATE * 10;
    while !has_label(h, "Copy Connection ID") {
        assert!(Instant::now() < deadline, "the slow create never finished");
        frames.step(h);
        std::thread::sleep(Duration::from_millis(16));
    }
    frames
}

/// Steps (and times) frames until `done`, failing after a generous minute.
fn settle(
    h: &mut Harness<'_, AepApp>,
    frames: &mut Frames,
    done: impl Fn(&Harness<'_, AepApp>) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done(h) {
        assert!(Instant::now() < deadline, "the history never settled");
        frames.step(h);
        // The worker answers on its own thread; give it the CPU rather than spin.
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn main() {
    let n = rows();
    let w = World::new();
    let paths = AppPaths::under(w.home.path());
    paths.create_dirs().unwrap();
    let started = Instant::now();
    common::history::fill(&paths.history_db(), n);
    eprintln!("filled {n} records in {:.1?}", started.elapsed());
    let (store, _) = HistoryStore::open(&paths.history_db()).unwrap();

    let mut h = app_on(w.home.path(), &w.emu().base_url(), "dev", |_| {});
    step_until(&mut h, "the form", |h| has_label(h, "Create connection"));
    step_until(&mut h, "the history", |h| shows(h, n));

    let scrolled = scroll(&mut h, n);
    let typed = type_search(&mut h, &store);
    let slow = slow_create(&w, &mut h);

    println!("\nUI thread per frame, {n} history records ({})", loadavg());
    println!(
        "| scenario | frames | CPU median ms | CPU worst ms | wall median ms | wall worst ms | aim |"
    );
    println!("|---|---|---|---|---|---|---|");
    println!(
        "{}",
        scrolled.row("scroll the history", "median < 2, worst < 8")
    );
    println!(
        "{}",
        typed.row(
            &format!("type \"{SEARCH}\" in the search"),
            "median < 2, worst < 8"
        )
    );
    println!("{}", slow.row("create delayed 3 s in flight", "worst < 16"));
}

/// The load average when the figures were taken, to read them against.
fn loadavg() -> String {
    let avg = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    format!(
        "load average {}",
        avg.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
    )
}
