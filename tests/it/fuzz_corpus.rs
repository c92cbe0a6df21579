//! Replays the committed fuzz corpus (`fuzz/corpus/<target>/`) and every crash reproducer
//! (`fuzz/regressions/<target>/`) through the same entry functions the libFuzzer targets call
//! (`aep_s3_connect::fuzzing`), on stable, so a normal test run keeps every input the fuzzer
//! found interesting passing, and a fixed crash cannot come back.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use aep_s3_connect::fuzzing::TARGETS;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz")
}

/// The files directly in `dir`, sorted; none when it does not exist.
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

/// Runs every input of `dirs` through `target`; returns the number run and the failures.
fn replay(target: &str, dirs: &[PathBuf]) -> (usize, Vec<String>) {
    let (_, entry) = TARGETS.iter().find(|(name, _)| *name == target).unwrap();
    let mut runs = 0;
    let mut failures = Vec::new();
    for file in dirs.iter().flat_map(|d| inputs(d)) {
        let data = std::fs::read(&file).unwrap();
        runs += 1;
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| entry(&data))) {
            let why = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            failures.push(format!("{}: {why}", file.display()));
        }
    }
    (runs, failures)
}

#[test]
fn every_target_has_a_committed_corpus_and_it_passes() {
    let mut failures = Vec::new();
    for (target, _) in TARGETS {
        let corpus = fuzz_dir().join("corpus").join(target);
        let regressions = fuzz_dir().join("regressions").join(target);
        assert!(
            !inputs(&corpus).is_empty(),
            "no corpus for target {target} in {}",
            corpus.display()
        );
        let (runs, failed) = replay(target, &[corpus, regressions]);
        eprintln!("{target}: {runs} inputs replayed, {} failed", failed.len());
        failures.extend(failed);
    }
    assert!(
        failures.is_empty(),
        "failing inputs:\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_target_has_a_fuzz_target_file() {
    // The libFuzzer side and the replay side must list the same targets.
    for (target, _) in TARGETS {
        let file = fuzz_dir().join("fuzz_targets").join(format!("{target}.rs"));
        let text =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(
            text.contains(&format!("aep_s3_connect::fuzzing::{target}(")),
            "{} does not call fuzzing::{target}",
            file.display()
        );
    }
    let listed = inputs(&fuzz_dir().join("fuzz_targets")).len();
    assert_eq!(
        listed,
        TARGETS.len(),
        "fuzz_targets/ and fuzzing::TARGETS differ"
    );
}

#[test]
fn regression_dirs_are_named_after_targets() {
    // A reproducer filed under a misspelt target would silently never run.
    let regressions = fuzz_dir().join("regressions");
    let entries = std::fs::read_dir(&regressions)
        .unwrap_or_else(|e| panic!("{}: {e}", regressions.display()));
    for entry in entries {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            name == "README.md" || TARGETS.iter().any(|(t, _)| *t == name),
            "fuzz/regressions/{name} is not a target"
        );
    }
}
