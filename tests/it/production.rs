//! Production is a sandbox's type in AEP's sandbox API, never its name: the emulator's `live`
//! sandbox is of type production. The window marks it, asks before a create there and asks for
//! the typed name before a delete; the CLI asks for the typed name and marks it in
//! `profile list`. Regression: the window decided "production" by the name `prod`, so a
//! production sandbox named anything else was neither marked nor protected.

use std::io::Write as _;
use std::process::Stdio;

use aep_s3_connect::emulator::{DEMO_CLIENT_ID, DEMO_ORG_ID};
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable};

use crate::common::World;
use crate::common::cli::{AWS_SECRET, BIN, CliWorld, input, json_of, stderr};
use crate::common::environment::{have_tool, require};
use crate::common::ui::{app_on, has_label, step_until, type_into};

/// A connection named `name` in `live`, made elsewhere.
fn made_in_live(w: &World, name: &str) -> String {
    w.runtime
        .block_on(w.client("live").create_s3_connection(&input(name)))
        .unwrap()
        .id
}

#[test]
fn the_window_marks_and_protects_a_production_sandbox_named_live() {
    let w = World::new();
    let mut h = app_on(w.home.path(), &w.emu().base_url(), "live", |_| {});
    step_until(&mut h, "the badge", |h| has_label(h, "PRODUCTION: live"));

    type_into(&mut h, "Name", "Live landing");
    type_into(&mut h, "Access key ID", "AKIAIOSFODNN7EXAMPLE");
    type_into(&mut h, "Secret access key", AWS_SECRET);
    h.get_by_role_and_label(Role::Button, "Create connection")
        .click();
    step_until(&mut h, "the confirmation", |h| {
        has_label(h, "Create in production?")
    });
    h.get_by_role_and_label(Role::Button, "Cancel").click();
    h.step();
    assert!(w.emu().connections().is_empty(), "nothing was sent");

    made_in_live(&w, "Live one");
    h.get_by_role_and_label(Role::Button, "Connections").click();
    step_until(&mut h, "the list", |h| has_label(h, "Live one"));
    h.get_by_label_contains("Manage ").click();
    step_until(&mut h, "the menu", |h| has_label(h, "Delete…"));
    h.get_by_role_and_label(Role::Button, "Delete…").click();
    step_until(&mut h, "the typed-name confirmation", |h| {
        has_label(h, "type the connection's name")
    });
    assert!(
        h.get_by_role_and_label(Role::Button, "Delete in AEP")
            .accesskit_node()
            .is_disabled(),
        "one click does not delete in production"
    );
}

/// Runs `args` on a terminal (`script` gives the process a pty), answering `answer`.
fn on_a_terminal(w: &World, args: &str, answer: &str) -> std::process::Output {
    let mut cmd = std::process::Command::new("script");
    cmd.args(["-qec", &format!("{BIN} {args}"), "/dev/null"])
        .env_clear()
        .envs(
            w.cmd()
                .get_envs()
                .filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned()))),
        )
        .env("AEP_SANDBOX", "live")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(answer.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn the_cli_asks_for_the_typed_name_in_live_and_marks_it_in_profile_list() {
    if !require(
        "`script` (util-linux), which gives the CLI a terminal",
        have_tool("script"),
    ) {
        return;
    }
    let w = World::new();
    let id = made_in_live(&w, "Live one");
    let said_yes = on_a_terminal(&w, &format!("connections delete {id}"), "y\n");
    let text = String::from_utf8_lossy(&said_yes.stdout).into_owned() + &stderr(&said_yes);
    assert!(text.contains("PRODUCTION sandbox"), "{text}");
    assert!(text.contains("type its name"), "{text}");
    assert_eq!(w.emu().connections().len(), 1, "a y is not the name");
    let typed = on_a_terminal(&w, &format!("connections delete {id}"), "Live one\n");
    assert_eq!(typed.status.code(), Some(0), "{}", stderr(&typed));
    assert!(w.emu().connections().is_empty(), "the typed name deletes");

    // profile list: by type once the sandbox API has been asked, which the delete did.
    let added = w
        .cmd()
        .args(["profile", "add", "eu", "--org-id", DEMO_ORG_ID])
        .args(["--client-id", DEMO_CLIENT_ID, "--sandbox", "live"])
        .output()
        .unwrap();
    assert_eq!(added.status.code(), Some(0), "{}", stderr(&added));
    let list = w
        .cmd()
        .args(["profile", "list", "--json"])
        .output()
        .unwrap();
    let kind = &json_of(&list)["profiles"][0]["sandboxKind"];
    assert_eq!(kind["production"], true, "{kind}");
    assert_eq!(kind["basis"], "sandboxApi", "{kind}");
    let text = w.cmd().args(["profile", "list"]).output().unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).contains("live  [PRODUCTION]"));
}
