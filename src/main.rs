//! aep-s3-connect: the window, or a command-line tool when given a command.

use clap::Parser;

use aep_s3_connect::cli::{self, Cli, Exit, GlobalArgs};
#[cfg(feature = "gui")]
use aep_s3_connect::store::paths::AppPaths;
#[cfg(feature = "gui")]
use aep_s3_connect::store::secrets::SecretStore;
#[cfg(feature = "gui")]
use aep_s3_connect::ui::{self, AppConfig, RfdDialogs};
#[cfg(feature = "gui")]
use aep_s3_connect::worker::WorkerSettings;

fn main() {
    // First, while the process has one thread: the only time the OS's time zone can be read.
    aep_s3_connect::model::init_local_offset(aep_s3_connect::model::read_local_offset());
    if let Err(e) = cli::check_environment() {
        eprintln!("error: {e}");
        std::process::exit(Exit::Usage.code());
    }
    let args = Cli::parse();
    cli::init_logging(args.global.verbose);
    let exit = match args.command {
        Some(command) => cli::run(args.global, command),
        None => run_window(&args.global),
    };
    std::process::exit(exit.code());
}

/// Without the `gui` feature there is no window: say so, and point to the command-line tool.
#[cfg(not(feature = "gui"))]
fn run_window(_global: &GlobalArgs) -> Exit {
    eprintln!(
        "error: this build of aep-s3-connect has no window (built without the `gui` feature); the command-line tool works (see --help)."
    );
    Exit::Usage
}

/// Opens the window (on the active profile, or the demo).
#[cfg(feature = "gui")]
fn run_window(global: &GlobalArgs) -> Exit {
    // Keeps the demo's emulator and temp dir alive while the window is open.
    let mut demo_guard = None;
    let settings = if global.demo {
        match aep_s3_connect::demo::start() {
            Ok(demo) => {
                let settings = demo.settings.clone();
                demo_guard = Some(demo);
                settings
            }
            Err(e) => {
                eprintln!("error: {e:#}");
                return Exit::Network;
            }
        }
    } else {
        let paths = match AppPaths::resolve(global.data_dir.as_deref()) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("error: {e}");
                return Exit::Store;
            }
        };
        // Read before anything opens: a token that cannot be used is said now, not ignored.
        let access_token = match aep_s3_connect::ops::token::access_token_from_env() {
            Ok(token) => token,
            Err(e) => {
                eprintln!("error: {e}");
                return Exit::Usage;
            }
        };
        let secrets = SecretStore::open_unless_disabled();
        WorkerSettings {
            paths,
            secrets,
            demo_client_secret: None,
            // A pasted token works for one session, as on the command line.
            access_token,
        }
    };
    let result = ui::run(AppConfig {
        worker: settings,
        demo: global.demo,
        dialogs: Box::new(RfdDialogs::default()),
        screenshot: global.screenshot.clone(),
    });
    drop(demo_guard);
    match result {
        Ok(()) => Exit::Ok,
        Err(e) => {
            eprintln!("error: could not open the window: {e}");
            eprintln!(
                "hint: on Linux the window needs a display (X11 or Wayland); the command-line tool works without one (see --help)."
            );
            Exit::Network
        }
    }
}
