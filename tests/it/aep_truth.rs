//! Never wrong about what exists in AEP: names Adobe's filter syntax reads differently, another
//! machine creating the same name, a pending record settled against someone else's connection,
//! a rotation whose answer was lost, and a list that ended early. Each test drives the real
//! binary against the emulator on loopback and names the way it guards against being wrong.

use std::process::{Output, Stdio};
use std::time::Duration;

use aep_s3_connect::emulator::{Fault, FaultRoute, NextLink};
use aep_s3_connect::model::S3ConnectionInput;
use serde_json::json;

use crate::common::World;
use crate::common::cli::{
    AWS_SECRET, CliWorld, create_posts, input, json_of, kill_during_create_with, list_requests,
    named, set_timeouts, stderr, wait_until,
};

/// Runs `n` creates of `name` at once, the `i`th from `command(i)`.
fn parallel_creates(
    n: usize,
    name: &str,
    mut command: impl FnMut(usize) -> std::process::Command,
) -> Vec<std::process::Child> {
    (0..n)
        .map(|i| {
            command(i)
                .args(["create", "--name", name, "--json"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect()
}

fn outputs(children: Vec<std::process::Child>) -> Vec<Output> {
    children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect()
}

/// Finding 1: Adobe drops one pair of double quotes around a filter value, so `name=="\"Landing\""`
/// found connections named `Landing`, the exact comparison found none, and a second
/// connection named `"Landing"` was made (10 parallel creates made 10).
#[test]
fn a_name_in_quotes_is_found_by_the_duplicate_guard() {
    let w = World::new();
    let name = "\"Landing\"";
    let first = w.cmd().args(["create", "--name", name]).output().unwrap();
    assert_eq!(first.status.code(), Some(0), "stderr: {}", stderr(&first));
    let second = w.cmd().args(["create", "--name", name]).output().unwrap();
    assert_eq!(second.status.code(), Some(2), "stderr: {}", stderr(&second));
    assert!(stderr(&second).contains("already has an S3 connection named"));
    assert_eq!(named(&w, name), 1);

    let raced = "\"Parallel\"";
    let outs = outputs(parallel_creates(10, raced, |_| w.spawn_cmd()));
    assert_eq!(named(&w, raced), 1, "exactly one connection");
    let codes: Vec<_> = outs.iter().map(|o| o.status.code()).collect();
    assert_eq!(
        codes.iter().filter(|c| **c == Some(0)).count(),
        1,
        "{codes:?}"
    );
}

/// Finding 2: Two machines (two data dirs, so two name locks) creating the same name both made a
/// connection and both said nothing. After a create the name is looked up again: whoever sees
/// another connection of the name says so (exit 6, `duplicates` in `--json`).
#[test]
fn two_data_dirs_racing_on_one_name_are_told_about_the_duplicate() {
    let w = World::new();
    let other_home = tempfile::tempdir().unwrap();
    // Both first creates are held at Adobe for a while: both guards pass before either lands.
    w.emu().inject(
        Fault::new(FaultRoute::CreateConnection)
            .delay_ms(1_500)
            .times(2),
    );
    let name = "Shared landing";
    let outs = outputs(parallel_creates(20, name, |i| {
        let mut cmd = w.spawn_cmd();
        if i % 2 == 1 {
            cmd.env("AEP_S3_CONNECT_HOME", other_home.path());
        }
        cmd
    }));
    let made = named(&w, name);
    assert_eq!(made, 2, "one connection from each data dir");
    let ids: Vec<String> = w
        .emu()
        .connections()
        .iter()
        .filter(|c| c["name"] == name)
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    let created: Vec<&Output> = outs
        .iter()
        .filter(|o| matches!(o.status.code(), Some(0 | 6)))
        .collect();
    assert_eq!(created.len(), 2, "each data dir made one");
    let warned: Vec<&&Output> = created
        .iter()
        .filter(|o| o.status.code() == Some(6))
        .collect();
    assert!(!warned.is_empty(), "nobody noticed the duplicate");
    for o in warned {
        let err = stderr(o);
        assert!(err.contains("warning:"), "{err}");
        let out = json_of(o);
        let own = out["id"].as_str().unwrap();
        let dups = out["duplicates"].as_array().unwrap();
        assert_eq!(dups.len(), 1, "{out}");
        let other = dups[0]["id"].as_str().unwrap();
        assert_ne!(other, own);
        assert!(ids.iter().any(|i| i == other));
        assert!(
            err.contains(other),
            "the warning names the other one: {err}"
        );
    }
    for o in outs
        .iter()
        .filter(|o| !matches!(o.status.code(), Some(0 | 6)))
    {
        assert_eq!(o.status.code(), Some(2), "stderr: {}", stderr(o));
    }
}

/// Finding 3: A's POST was lost before Adobe processed it; B, elsewhere, made a connection of the same
/// name with other settings. Settling A's pending record claimed B's connection as A's.
#[test]
fn settling_a_lost_create_never_claims_another_requests_connection() {
    let w = World::new();
    set_timeouts(&w, 1, 0);
    let name = "Claimed";
    kill_during_create_with(
        &w,
        name,
        Fault::new(FaultRoute::CreateConnection)
            .delay_ms(60_000)
            .drop_unprocessed(),
    );
    // B: same credential, same name, another bucket and key.
    let theirs = w
        .runtime
        .block_on(w.client("prod").create_s3_connection(&S3ConnectionInput {
            bucket_name: Some("someone-elses-bucket".into()),
            access_key_id: "AKIAI44QH8DHBEXAMPLE".into(),
            ..input(name)
        }))
        .unwrap()
        .id;
    std::thread::sleep(Duration::from_millis(1_200));
    let out = w.cmd().args(["history", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let h = json_of(&out);
    let record = &h["items"][0];
    assert_eq!(record["name"], name);
    assert_ne!(record["connectionId"], json!(theirs), "{record}");
    assert_eq!(record["status"], "failed", "{record}");
    let message = record["errorMessage"].to_string();
    assert!(message.contains("another request"), "{message}");
    assert!(
        message.contains(&theirs),
        "names the other connection: {message}"
    );
}

/// Finding 4: The PATCH's answer was lost before Adobe applied it, and someone else (same client)
/// edited the connection meanwhile: a new etag "by our client" was taken for a rotation.
/// AEP still shows the old key, so the rotation is not done.
#[test]
fn a_lost_patch_is_a_rotation_only_when_aep_shows_the_new_key() {
    let w = World::new();
    set_timeouts(&w, 1, 0);
    let client = w.client("prod");
    let id = w
        .runtime
        .block_on(client.create_s3_connection(&input("Rotated")))
        .unwrap()
        .id;
    w.emu().inject(
        Fault::new(FaultRoute::PatchConnection)
            .delay_ms(1_500)
            .drop_unprocessed(),
    );
    let child = w
        .spawn_cmd()
        .args([
            "connections",
            "rotate",
            &id,
            "--access-key-id",
            "AKIAI44QH8DHBEXAMPL2",
            "--yes",
            "--json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_until("the PATCH is at Adobe", || {
        w.emu()
            .requests()
            .iter()
            .any(|r| r.method == "PATCH" && r.path.ends_with(&id))
    });
    // Someone else's edit, with the same credential, while our answer is lost.
    w.runtime.block_on(async {
        let current = client.get_connection(&id).await.unwrap();
        client
            .patch_connection(
                &id,
                current.etag.as_deref().unwrap(),
                &json!([{"op": "replace", "path": "/description", "value": "edited elsewhere"}]),
            )
            .await
            .unwrap();
    });
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert_ne!(out.status.code(), Some(0), "reported as rotated: {err}");
    assert!(err.contains("still shows access key"), "{err}");
    let conn = w
        .emu()
        .connections()
        .into_iter()
        .find(|c| c["id"] == id.as_str())
        .unwrap();
    assert!(
        conn["auth"]["params"]["s3AccessKey"]
            .as_str()
            .unwrap()
            .ends_with("MPLE"),
        "AEP kept the old key: {conn}"
    );
    let out = w
        .cmd()
        .args(["connections", "show", &id, "--json"])
        .output()
        .unwrap();
    let events = json_of(&out)["events"].clone();
    assert_ne!(events[0]["outcome"], "ok", "{events}");
}

/// Makes 230 connections in `prod` with the library client, `name_of(i)` each.
fn make_many(w: &World, name_of: impl Fn(usize) -> String) {
    let client = w.client("prod");
    w.runtime.block_on(async {
        for i in 0..230 {
            client
                .create_s3_connection(&input(&name_of(i)))
                .await
                .unwrap();
        }
    });
}

/// From now on every list page's next link leads to `localhost` instead of `127.0.0.1`: another
/// origin as far as the client can tell.
fn send_next_links_elsewhere(w: &World) {
    let port = w.emu().addr().port();
    w.emu().inject(
        Fault::new(FaultRoute::ListConnections)
            .next_link(NextLink::Origin(format!("http://localhost:{port}")))
            .times(0),
    );
}

/// Finding 5a: A next link to another origin was refused with a warning only: `connections list`
/// showed 100 of 230 with exit 0, and records made here on later pages as "deleted in AEP".
#[test]
fn a_list_cut_short_by_a_foreign_next_link_is_shown_as_partial() {
    let w = World::new();
    // Made here, so the history knows them: the last ones land on pages 2 and 3.
    make_many(&w, |i| format!("listed {i:03}"));
    for name in ["made here 1", "made here 2"] {
        let out = w.cmd().args(["create", "--name", name]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    }
    send_next_links_elsewhere(&w);
    let out = w
        .cmd()
        .args(["connections", "list", "--json"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(4), "stderr: {err}");
    let list = json_of(&out);
    assert_eq!(list["complete"], false, "{list}");
    assert_eq!(list["total"], 100, "the part that was read is shown");
    assert!(
        list["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("another host")),
        "{list}"
    );
    let rows = list["items"].as_array().unwrap();
    assert!(
        rows.iter().all(|r| r["kind"] != "localDeleted"),
        "nothing is called deleted from a partial list: {list}"
    );
    let text = w.cmd().args(["connections", "list"]).output().unwrap();
    assert_eq!(text.status.code(), Some(4));
    assert!(
        String::from_utf8_lossy(&text.stdout).starts_with("Incomplete:")
            || String::from_utf8_lossy(&text.stdout).contains("\nIncomplete:"),
        "{}",
        String::from_utf8_lossy(&text.stdout)
    );
}

/// Finding 5b: The comma-name guard lists the sandbox: when the list ends early it must not conclude
/// "no such name" (three creates made three connections when the name was on page 3).
#[test]
fn the_guard_never_creates_from_a_list_that_ended_early() {
    let w = World::new();
    let name = "Landing, daily";
    make_many(&w, |i| {
        if i == 229 {
            name.to_owned()
        } else {
            format!("filler {i:03}")
        }
    });
    send_next_links_elsewhere(&w);
    let posts = create_posts(w.emu());
    for _ in 0..3 {
        let out = w.cmd().args(["create", "--name", name]).output().unwrap();
        assert_eq!(out.status.code(), Some(4), "stderr: {}", stderr(&out));
        assert!(stderr(&out).contains("could not check"), "{}", stderr(&out));
    }
    assert_eq!(named(&w, name), 1);
    assert_eq!(create_posts(w.emu()), posts, "nothing was posted");
}

/// Finding 5c: A next link that repeats a page already read was followed 1,000 times (540 MB).
#[test]
fn a_next_link_that_repeats_a_page_ends_the_list_at_once() {
    let w = World::new();
    make_many(&w, |i| format!("looped {i:03}"));
    w.emu().inject(
        Fault::new(FaultRoute::ListConnections)
            .next_link(NextLink::Repeat)
            .times(0),
    );
    let out = w
        .cmd()
        .args(["connections", "list", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "stderr: {}", stderr(&out));
    let list = json_of(&out);
    assert_eq!(list["complete"], false);
    assert!(
        list["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("already read")),
        "{list}"
    );
    let lists = list_requests(w.emu()).len();
    assert!(lists <= 3, "{lists} list requests");
}

/// A 401 on the POST, then IMS failing on the renewal: Adobe answered, so nothing was created;
/// it was reported as "may have been created" and blocked a retry of the name for minutes.
#[test]
fn a_post_answered_401_created_nothing_even_when_the_renewal_fails() {
    let w = World::new();
    // The first token comes through; every later one fails.
    w.emu().inject(Fault::new(FaultRoute::ImsToken));
    w.emu()
        .inject(Fault::new(FaultRoute::ImsToken).status(500).times(0));
    w.emu()
        .inject(Fault::new(FaultRoute::CreateConnection).status(401));
    let out = w
        .cmd()
        .args(["create", "--name", "Unauthorised"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_ne!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("may have been created"), "{err}");
    assert!(err.contains("nothing was created"), "{err}");
    w.emu().clear_faults();
    let again = w
        .cmd()
        .args(["create", "--name", "Unauthorised"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0), "stderr: {}", stderr(&again));
    assert_eq!(named(&w, "Unauthorised"), 1);
}

/// `AEP_ACCESS_TOKEN` with a newline: exit 2 naming the variable, with no advice about
/// duplicates; `token` must not call it fine. A non-UTF-8 `AEP_SANDBOX` is named too.
#[test]
fn bad_environment_values_are_named() {
    let w = World::new();
    for args in [&["create", "--name", "Env"][..], &["token"][..]] {
        let out = w
            .cmd()
            .env("AEP_ACCESS_TOKEN", "abc\ndef")
            .args(args)
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("AEP_ACCESS_TOKEN"), "{err}");
        assert!(!err.contains("--allow-duplicate"), "{err}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt as _;
        let bad = std::ffi::OsStr::from_bytes(b"pr\xffod");
        let out = w
            .cmd()
            .env("AEP_SANDBOX", bad)
            .args(["history"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).contains("AEP_SANDBOX"), "{}", stderr(&out));
    }
}

/// The same platform written two ways (`HTTP://LOCALHOST:port/` and `http://127.0.0.1:port`)
/// took two name locks, so two creates of one name both passed the guard.
#[test]
fn one_platform_written_two_ways_takes_one_name_lock() {
    let w = World::new();
    w.emu().inject(
        Fault::new(FaultRoute::CreateConnection)
            .delay_ms(1_500)
            .times(2),
    );
    let port = w.emu().addr().port();
    let name = "Spelled twice";
    let outs = outputs(parallel_creates(6, name, |i| {
        let mut cmd = w.spawn_cmd();
        if i % 2 == 1 {
            let url = format!("HTTP://LOCALHOST:{port}/");
            cmd.env("AEP_PLATFORM_URL", &url).env("AEP_IMS_URL", &url);
        }
        cmd
    }));
    assert_eq!(
        named(&w, name),
        1,
        "{:?}",
        outs.iter().map(stderr).collect::<Vec<_>>()
    );
}

/// A misspelt key in `config.toml` was ignored in silence, and a timeout of 2^64-1 s accepted.
#[test]
fn config_keys_are_checked_and_values_bounded() {
    let w = World::new();
    let dir = w.home.path().join("config");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("config.toml");
    std::fs::write(&file, "[timeouts]\nconnect_secs = 2\ntotal_sec = 30\n").unwrap();
    let out = w.cmd().args(["history"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("config.toml") && err.contains("line 3") && err.contains("total_sec"),
        "{err}"
    );

    std::fs::write(&file, "[timeouts]\ntotal_secs = 18446744073709551615\n").unwrap();
    let out = w.cmd().args(["history"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("total_secs") && err.contains("line 2"),
        "{err}"
    );
}

/// Inputs accepted today that cannot be right: a folder path of spaces, the instance-metadata
/// address as service URL, a right-to-left override in a name (shown reversed), a 1 MB secret.
#[test]
fn inputs_that_cannot_be_right_are_refused_before_anything_is_sent() {
    let w = World::new();
    let huge = "A".repeat(1 << 20);
    let cases: [(&str, &[&str], &str); 4] = [
        ("odd folder", &["--folder-path", " "], "folder path"),
        (
            "odd endpoint",
            &["--service-url", "https://169.254.169.254"],
            "service url",
        ),
        ("safe\u{202e}gnp.exe", &[], "connection name"),
        ("odd secret", &["--secret-key-stdin"], "secret access key"),
    ];
    for (name, extra, field) in cases {
        let out = w
            .cmd()
            .args(["create", "--name", name])
            .args(extra)
            .write_stdin(format!("{huge}\n"))
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{field}: {err}");
        assert!(err.to_lowercase().contains(field), "{field}: {err}");
        assert!(!err.contains(&huge[..64]), "the secret is not echoed");
    }
    assert_eq!(create_posts(w.emu()), 0);
}

/// Finding 2 in the window: a connection of the same name made elsewhere while the window's
/// create was at Adobe is named in a warning card, with *Delete this one* and *Keep both*.
#[test]
fn the_window_names_a_duplicate_made_elsewhere_and_can_delete_its_own() {
    use crate::common::ui::{app_on, click_create, has_label, step_until, type_into};
    use egui_kittest::kittest::Queryable;

    let w = World::new();
    let mut h = app_on(w.home.path(), &w.emu().base_url(), "dev", |_| {});
    step_until(&mut h, "the form", |h| has_label(h, "Create connection"));
    w.emu()
        .inject(Fault::new(FaultRoute::CreateConnection).delay_ms(1_500));
    let name = "Raced in the window";
    type_into(&mut h, "Name", name);
    type_into(&mut h, "Access key ID", "AKIAIOSFODNN7EXAMPLE");
    type_into(&mut h, "Secret access key", AWS_SECRET);
    click_create(&mut h);
    wait_until("the window's create is at Adobe", || {
        create_posts(w.emu()) == 1
    });
    // Another machine makes the same name while the window's POST is held.
    let theirs = w
        .runtime
        .block_on(w.client("dev").create_s3_connection(&input(name)))
        .unwrap()
        .id;
    step_until(&mut h, "the duplicate warning", |h| {
        has_label(h, "Keep both")
    });
    assert!(
        has_label(&h, &theirs),
        "the card names the other connection"
    );
    assert!(has_label(&h, "now exists 2 times in dev"));
    h.get_by_label_contains("Delete this one").click();
    step_until(&mut h, "the second question", |h| has_label(h, "Delete it"));
    h.get_by_label_contains("Delete it").click();
    let in_dev = |w: &World| {
        w.emu()
            .connections()
            .into_iter()
            .filter(|c| c["name"] == name)
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    step_until(&mut h, "our connection deleted", |_| in_dev(&w).len() == 1);
    assert_eq!(in_dev(&w), [theirs], "theirs stays");
    assert!(
        !has_label(&h, "Keep both"),
        "the card is gone once answered"
    );
}
