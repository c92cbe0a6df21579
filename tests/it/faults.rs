//! The fault matrix through the real binary (`create --json` against the emulator), plus the
//! faults of the machine itself: many processes writing the history at once, a full disk and a
//! read-only data dir (in a private mount namespace), and the memory a 50 MB answer costs.

use std::path::Path;
use std::process::{Output, Stdio};

use aep_s3_connect::emulator::{Fault, FaultRoute};
use aep_s3_connect::store::config::Config;
use aep_s3_connect::store::history::{Attempt, AttemptStatus, HistoryQuery, HistoryStore};
use aep_s3_connect::store::paths::AppPaths;

use crate::common::World;
use crate::common::cli::{BIN, CliWorld, create_posts, json_of, stderr};
use crate::common::environment::require;
use crate::common::faults::{
    Case, Outcome, apply_timeouts, check, dead_url, inject, while_in_flight,
};

/// Runs `create --json` for `case` and checks the exit code, the JSON and the matrix's outcome.
fn run_cli(case: &Case) {
    let w = World::new();
    let mut config = Config::default();
    apply_timeouts(case, &mut config);
    config
        .save(&AppPaths::under(w.home.path()).config_file())
        .unwrap();
    inject(&w, case);
    let mut cmd = w.spawn_cmd();
    if case.ims_unreachable {
        cmd.env("AEP_IMS_URL", dead_url());
    }
    let child = cmd
        .args(["create", "--name", case.name, "--json"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    while_in_flight(&w, case);
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(case.exit),
        "{}: exit code; stderr: {err}",
        case.name
    );
    let json = json_of(&out);
    let record = check(
        &w,
        case,
        &format!("{}\n{err}", String::from_utf8_lossy(&out.stdout)),
    );
    match case.outcome {
        Outcome::Created { reconciled } => {
            assert_eq!(json["id"].as_str(), record.connection_id.as_deref());
            assert_eq!(json["reconciled"], reconciled, "{json}");
            assert_eq!(json["historyId"], record.id.0);
        }
        Outcome::Failed | Outcome::Pending => {
            assert_eq!(json["error"]["exitCode"], case.exit, "{json}");
            assert!(err.contains("error: "), "{err}");
        }
    }
}

crate::fault_tests!(run_cli);

/// Peak RSS in KiB of `cmd` run as the only child of a python3 process (`ru_maxrss` of its
/// children), or `None` without python3.
fn peak_rss_kib(cmd: &std::process::Command) -> Option<(Output, u64)> {
    const WRAPPER: &str = "import resource, subprocess, sys\n\
        r = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, capture_output=True)\n\
        sys.stdout.buffer.write(r.stdout)\n\
        sys.stderr.buffer.write(r.stderr)\n\
        sys.stderr.write('\\nPEAK_RSS_KIB=%d\\n' % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n\
        sys.exit(r.returncode)\n";
    let mut py = std::process::Command::new("python3");
    py.env_clear()
        .envs(
            cmd.get_envs()
                .filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned()))),
        )
        .arg("-c")
        .arg(WRAPPER)
        .arg(cmd.get_program())
        .args(cmd.get_args());
    let out = py.output().ok()?;
    let peak = stderr(&out)
        .lines()
        .find_map(|l| l.strip_prefix("PEAK_RSS_KIB="))?
        .trim()
        .parse()
        .ok()?;
    Some((out, peak))
}

#[test]
fn fifty_megabyte_answer_costs_far_less_than_fifty_megabytes_of_memory() {
    let w = World::new();
    let mut plain = w.spawn_cmd();
    plain.args(["create", "--name", "baseline", "--json"]);
    let measured = peak_rss_kib(&plain);
    if !require("python3, to read a child's peak RSS", measured.is_some()) {
        return;
    }
    let (out, baseline) = measured.unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    w.emu()
        .inject(Fault::new(FaultRoute::CreateConnection).huge_body(50 * 1024 * 1024));
    let mut huge = w.spawn_cmd();
    huge.args(["create", "--name", "huge answer", "--json"]);
    let (out, peak) = peak_rss_kib(&huge).unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json_of(&out)["reconciled"], true);
    eprintln!("peak RSS: plain create {baseline} KiB, with a 50 MiB answer {peak} KiB");
    // Buffering the answer whole would add 50 MiB (more with the Vec's doubling).
    assert!(
        peak < baseline + 24 * 1024,
        "a 50 MiB answer raised the peak RSS from {baseline} KiB to {peak} KiB"
    );
}

/// SQLite's own full integrity check passes on `db`, the store opens it as it is (nothing moved
/// aside), and every record reads back.
fn assert_intact(db: &Path) -> Vec<Attempt> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let verdict: String = conn
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(verdict, "ok", "integrity check of {}", db.display());
    drop(conn);
    let (store, notice) = HistoryStore::open(db).unwrap();
    assert!(notice.is_none(), "{notice:?}");
    store.search(&HistoryQuery::default()).unwrap()
}

/// The history is intact and holds exactly the records named `names`, each once, each created
/// with a connection that exists in the emulator.
fn assert_history_holds(db: &Path, names: &[String], w: &World) {
    let all = assert_intact(db);
    assert_eq!(all.len(), names.len(), "{all:#?}");
    let remote = w.emu().connections();
    for name in names {
        let mine: Vec<_> = all.iter().filter(|a| &a.name == name).collect();
        assert_eq!(mine.len(), 1, "{name} recorded once");
        assert_eq!(mine[0].status, AttemptStatus::Created, "{:?}", mine[0]);
        let id = mine[0].connection_id.as_deref().unwrap();
        assert_eq!(
            remote
                .iter()
                .filter(|c| c["id"] == id && &c["name"] == name)
                .count(),
            1,
            "{name}: the recorded connection exists"
        );
    }
}

#[test]
fn several_processes_creating_at_once_lose_no_record() {
    const N: usize = 6;
    let w = World::new();
    let names: Vec<String> = (0..N).map(|i| format!("parallel {i}")).collect();
    // All start before any finishes: the first ones create the database while others open it.
    let children: Vec<_> = names
        .iter()
        .map(|name| {
            w.spawn_cmd()
                .args(["create", "--name", name, "--json"])
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    assert_eq!(w.emu().connections().len(), N);
    assert_history_holds(&w.history_db(), &names, &w);
}

/// `history` in a second terminal while a create is still waiting for Adobe: the attempt is in
/// flight (its process holds the in-flight lock), so the second process leaves it pending instead
/// of settling it as "not created"; the create then completes it as created.
#[test]
fn history_in_another_process_leaves_an_in_flight_create_alone() {
    let w = World::new();
    w.emu()
        .inject(Fault::new(FaultRoute::CreateConnection).delay_ms(4_000));
    let child = w
        .spawn_cmd()
        .args(["create", "--name", "still going", "--json"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    crate::common::cli::wait_until("the create's POST in flight", || create_posts(w.emu()) > 0);
    let out = w.cmd().args(["history", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let (db, _) = HistoryStore::open(&w.history_db()).unwrap();
    let pending = db.pending().unwrap();
    assert_eq!(pending.len(), 1, "still pending while its process waits");
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let id = json_of(&out)["id"].as_str().unwrap().to_owned();
    let record = db.get(pending[0].id).unwrap().unwrap();
    assert_eq!(record.status, AttemptStatus::Created);
    assert_eq!(record.connection_id.as_deref(), Some(id.as_str()));
    assert!(
        !record.reconciled,
        "completed by its own process, not by the other one"
    );
    assert_eq!(w.emu().connections().len(), 1);
}

/// Whether this process may mount in a private mount namespace (root and `unshare`).
fn can_mount() -> bool {
    std::process::Command::new("unshare")
        .args(["-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs `script` with `sh` in a private mount namespace (`unshare -m`), so its mounts never reach
/// the host, with the CLI's environment plus `BIN`, `DATA` (the data dir) and `vars`.
fn in_mount_namespace(w: &World, script: &str, vars: &[(&str, &Path)]) -> Output {
    let cli = w.spawn_cmd();
    let envs = cli
        .get_envs()
        .filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned())));
    std::process::Command::new("unshare")
        .env_clear()
        .envs(envs)
        .env("BIN", BIN)
        .env("DATA", w.home.path().join("data"))
        .envs(vars.iter().copied())
        .args(["-m", "sh", "-c", script])
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// One create on the host, so that the history already holds a record to keep intact.
fn create_before(w: &World) -> String {
    let out = w
        .cmd()
        .args(["create", "--name", "before", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    "before".to_owned()
}

/// A create refused because the history cannot record it: exit 5, the message names `path`
/// and the cause, and says nothing was sent; the emulator saw `posts` creates (those before).
fn assert_refused_for_the_store(w: &World, out: &Output, path: &Path, cause: &str, posts: usize) {
    let err = stderr(out);
    eprintln!("the refusal as the user sees it:\n{err}");
    assert_eq!(out.status.code(), Some(5), "stderr: {err}");
    assert!(
        err.contains(&*path.to_string_lossy()),
        "names {}: {err}",
        path.display()
    );
    assert!(
        err.to_lowercase().contains(cause),
        "names the cause ({cause}): {err}"
    );
    assert!(err.contains("nothing was sent"), "{err}");
    assert!(!err.contains("panicked") && !err.contains("Os {"), "{err}");
    assert_eq!(json_of(out)["error"]["exitCode"], 5);
    assert_eq!(create_posts(w.emu()), posts, "nothing was sent");
}

#[test]
fn read_only_data_dir_refuses_the_create_and_keeps_the_history() {
    if !require("root, for unshare -m and mount", can_mount()) {
        return;
    }
    let w = World::new();
    let before = create_before(&w);
    let script = r#"set -e
mount --bind "$DATA" "$DATA"
mount -o remount,bind,ro "$DATA"
exec "$BIN" create --name "read only" --json"#;
    let out = in_mount_namespace(&w, script, &[]);
    let data = w.home.path().join("data");
    assert_refused_for_the_store(&w, &out, &data, "read-only file system", 1);
    assert_history_holds(&w.history_db(), &[before], &w);
}

#[test]
fn full_disk_refuses_the_create_and_keeps_the_history() {
    if !require("root, for unshare -m and mount", can_mount()) {
        return;
    }
    let w = World::new();
    // The data dir is a 1 MiB tmpfs: one create writes the history, `dd` fills the rest, the
    // next create must fail cleanly; the files are copied out for inspection.
    let out_dir = w.home.path().join("copied");
    std::fs::create_dir_all(&out_dir).unwrap();
    let script = r#"set -e
mkdir -p "$DATA"
mount -t tmpfs -o size=1m tmpfs "$DATA"
"$BIN" create --name before --json >/dev/null
dd if=/dev/zero of="$DATA/filler" bs=4k 2>/dev/null || true
rc=0
"$BIN" create --name "disk full" --json || rc=$?
rm -f "$DATA/filler"
cp "$DATA"/history.sqlite3* "$OUT/"
exit $rc"#;
    let out = in_mount_namespace(&w, script, &[("OUT", &out_dir)]);
    let data = w.home.path().join("data");
    assert_refused_for_the_store(&w, &out, &data, "no space left on device", 1);
    assert_history_holds(&out_dir.join("history.sqlite3"), &["before".to_owned()], &w);
}

#[test]
fn disk_filling_up_while_the_history_is_open_refuses_the_next_create() {
    if !require("root, for unshare -m and mount", can_mount()) {
        return;
    }
    let w = World::new();
    let out_dir = w.home.path().join("copied");
    std::fs::create_dir_all(&out_dir).unwrap();
    // A first create hangs in the emulator with the history open (its pending record written),
    // so the next process finds the database and its WAL ready and fails only when it writes.
    w.emu()
        .inject(Fault::new(FaultRoute::CreateConnection).delay_ms(60_000));
    let script = r#"set -e
mkdir -p "$DATA"
mount -t tmpfs -o size=1m tmpfs "$DATA"
"$BIN" create --name holder >/dev/null 2>&1 &
holder=$!
i=0
while [ ! -e "$OUT/go" ]; do
  i=$((i+1)); [ $i -le 1200 ] || { echo "never told to go on" >&2; exit 90; }
  sleep 0.05
done
dd if=/dev/zero of="$DATA/filler" bs=4k 2>/dev/null || true
rc=0
"$BIN" create --name "disk full" --json || rc=$?
kill -9 $holder
wait $holder || true
rm -f "$DATA/filler"
cp "$DATA"/history.sqlite3* "$OUT/"
exit $rc"#;
    let go = out_dir.join("go");
    let waiter = {
        let emu = w.emu().handle();
        std::thread::Builder::new()
            .name("go-signal".to_owned())
            .spawn(move || {
                crate::common::cli::wait_until("the first create in flight", || {
                    emu.requests()
                        .iter()
                        .any(|r| r.method == "POST" && r.path.ends_with("/connections"))
                });
                std::fs::write(go, "").unwrap();
            })
            .unwrap()
    };
    let out = in_mount_namespace(&w, script, &[("OUT", &out_dir)]);
    waiter.join().unwrap();
    assert_refused_for_the_store(&w, &out, &w.history_db(), "full", 1);
    let all = assert_intact(&out_dir.join("history.sqlite3"));
    assert_eq!(all.len(), 1, "{all:#?}");
    assert_eq!(all[0].name, "holder");
    assert_eq!(
        all[0].status,
        AttemptStatus::Pending,
        "the killed attempt is kept"
    );
}
