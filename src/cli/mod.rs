//! The command-line interface: the contract the README's "Command line" section states.

mod aws_key;
mod check_s3;
mod confirm;
mod connections;
mod context;
mod create;
mod exit;
mod history;
mod output;
mod profile;
mod sandboxes;
mod token;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

pub use context::Context;
pub use exit::{Exit, ToExit};
pub use output::{Failure, Outcome, Output};

/// Create Adobe Experience Platform base connections for Amazon S3.
#[derive(Debug, Parser)]
#[command(name = "aep-s3-connect", version = crate::version::VERSION, long_version = long_version(), about, long_about = None)]
pub struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do; without one, the window opens.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Refuses, naming it, an environment variable of an option that is set but not UTF-8 (clap's
/// own message names no variable). Call before [`Cli::parse`].
pub fn check_environment() -> Result<(), String> {
    use clap::CommandFactory as _;
    fn check(command: &clap::Command) -> Result<(), String> {
        for var in command.get_arguments().filter_map(clap::Arg::get_env) {
            if std::env::var_os(var).is_some_and(|v| v.to_str().is_none()) {
                return Err(format!(
                    "{} is set but is not valid UTF-8 text: set it to plain text, or unset it",
                    var.to_string_lossy()
                ));
            }
        }
        command.get_subcommands().try_for_each(check)
    }
    check(&Cli::command())
}

fn long_version() -> &'static str {
    // clap wants 'static; this runs once per process.
    Box::leak(crate::version::long_version().into_boxed_str())
}

/// Options of every command, each with an environment variable.
#[derive(Clone, Debug, Default, Args)]
pub struct GlobalArgs {
    /// Which profile to use.
    #[arg(long, env = "AEP_S3_CONNECT_PROFILE", global = true)]
    pub profile: Option<String>,
    /// Where config and history live (default: the OS's config and data dirs).
    #[arg(long, env = "AEP_S3_CONNECT_HOME", global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Platform base URL [default: https://platform.adobe.io].
    #[arg(long, env = "AEP_PLATFORM_URL", global = true, value_name = "URL")]
    pub platform_url: Option<String>,
    /// IMS base URL [default: https://ims-na1.adobelogin.com].
    #[arg(long, env = "AEP_IMS_URL", global = true, value_name = "URL")]
    pub ims_url: Option<String>,
    /// IMS organisation ID (overrides the profile).
    #[arg(long, env = "AEP_ORG_ID", global = true)]
    pub org_id: Option<String>,
    /// OAuth client ID (overrides the profile).
    #[arg(long, env = "AEP_CLIENT_ID", global = true)]
    pub client_id: Option<String>,
    /// Sandbox name (overrides the profile). `create` takes it more than once: the same
    /// connection in each sandbox.
    #[arg(
        long = "sandbox",
        env = "AEP_SANDBOX",
        global = true,
        value_name = "SANDBOX"
    )]
    pub sandboxes: Vec<String>,
    /// Open the window against the built-in emulator, with a throwaway data dir.
    #[arg(long, global = true)]
    pub demo: bool,
    /// Open the window, save its first settled frame as PNG to PATH, and exit.
    #[arg(long, global = true, value_name = "PATH")]
    pub screenshot: Option<PathBuf>,
    /// More log output on stderr (-v info, -vv debug, -vvv trace). Secrets are never logged.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
}

impl GlobalArgs {
    /// The sandbox named with `--sandbox` (the first, when `create` was given several).
    pub fn sandbox(&self) -> Option<&String> {
        self.sandboxes.first()
    }
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create an S3 base connection.
    Create(create::CreateArgs),
    /// Show the history of create attempts.
    History(history::HistoryArgs),
    /// Manage profiles (org, client, sandbox, endpoints).
    Profile(profile::ProfileArgs),
    /// Obtain or reuse an access token; prints its expiry, never the token.
    Token(token::TokenArgs),
    /// List the sandboxes the credential may use (type, production marked, state).
    Sandboxes(sandboxes::SandboxesArgs),
    /// List, inspect, explore, rotate, delete the sandbox's S3 connections; find a key's users.
    Connections(connections::ConnectionsArgs),
    /// Check the S3 credentials have the permissions AEP needs, before creating a connection.
    #[command(name = "check-s3")]
    CheckS3(check_s3::CheckS3Args),
    /// Run the local emulator of IMS and Flow Service in the foreground.
    Emulator(EmulatorArgs),
}

/// `emulator` options.
#[derive(Debug, Args)]
pub struct EmulatorArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Lifetime of issued tokens, in seconds.
    #[arg(long, default_value_t = 86_399)]
    pub token_lifetime: u64,
    /// Every request waits this many milliseconds before it is handled (a far-away service).
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// At most this many requests a second; more are answered 429 with `Retry-After: 1`.
    #[arg(long)]
    pub rate_limit: Option<u32>,
    /// This many development sandboxes besides the demo's four (`sandbox-01`, …).
    #[arg(long, default_value_t = 0)]
    pub extra_sandboxes: usize,
}

impl Command {
    /// Whether the command line asked for `--json`: read once, by [`run`], which prints the
    /// command's result or failure accordingly.
    pub fn json(&self) -> bool {
        match self {
            Self::Create(args) => args.json,
            Self::History(args) => args.json,
            Self::Profile(args) => args.json(),
            Self::Token(args) => args.json,
            Self::Sandboxes(args) => args.json,
            Self::Connections(args) => args.json(),
            Self::CheckS3(args) => args.json,
            Self::Emulator(_) => false,
        }
    }
}

impl Command {
    /// `create` and `connections rotate-key` work in several sandboxes at once.
    fn takes_several_sandboxes(&self) -> bool {
        matches!(
            self,
            Self::Create(_)
                | Self::Connections(connections::ConnectionsArgs {
                    command: connections::ConnectionsCommand::RotateKey(_)
                })
        )
    }
}

/// Runs a command, prints its result or failure (as one JSON object under `--json`, else as
/// text) and returns the exit code.
pub fn run(global: GlobalArgs, command: Command) -> Exit {
    let json = command.json();
    if global.sandboxes.len() > 1 && !command.takes_several_sandboxes() {
        return Failure::usage(
            "--sandbox can be given more than once only to `create` (the same connection in each sandbox) and `connections rotate-key`",
        )
        .print(json);
    }
    let outcome = match command {
        Command::Create(args) => create::run(&global, args),
        Command::History(args) => history::run(&global, args),
        Command::Profile(args) => profile::run(&global, args),
        Command::Token(_) => token::run(&global),
        Command::Sandboxes(_) => sandboxes::run(&global),
        Command::Connections(args) => connections::run(&global, args),
        Command::CheckS3(args) => check_s3::run(&global, args),
        Command::Emulator(args) => {
            crate::emulator::run_foreground(crate::emulator::EmulatorConfig {
                port: args.port,
                token_lifetime_secs: args.token_lifetime,
                latency_ms: args.latency_ms,
                rate_limit: args.rate_limit,
                extra_sandboxes: args.extra_sandboxes,
            })
            .map(|()| Output::default())
            .map_err(|e| Failure::new(Exit::Network, format!("{e:#}")))
        }
    };
    match outcome {
        Ok(output) => output.print(json),
        Err(failure) => failure.print(json),
    }
}

/// Sets up logging on stderr. `AEP_S3_CONNECT_LOG` (an env-filter) overrides `-v`.
pub fn init_logging(verbose: u8) {
    use std::io::IsTerminal as _;
    let env = std::env::var("AEP_S3_CONNECT_LOG").ok();
    // Colours only on a terminal: a redirected log stays plain text.
    let ansi = std::io::stderr().is_terminal();
    let _ = init_logging_to(verbose, env.as_deref(), std::io::stderr, ansi);
}

/// Crates whose debug and trace output can carry secrets, held at info whatever the filter says.
/// keyring-core logs every entry it touches with the entry's `Debug`, which for its in-memory
/// store (demo mode) includes the secret's bytes (proven by tests/it/secret_hygiene.rs); the
/// platform stores handle secret bytes too and their output is not vetted.
const SECRET_HANDLING_TARGETS: &[&str] = &[
    "keyring_core",
    "zbus_secret_service_keyring_store",
    "apple_native_keyring_store",
    "windows_native_keyring_store",
];

/// Installs the process's logger, writing to `writer` (with terminal colours when `ansi`): the
/// level of `-v` given `verbose` times, or `env` (an env-filter, the value of
/// `AEP_S3_CONNECT_LOG`) when it is set and valid, never more than info for
/// [`SECRET_HANDLING_TARGETS`]. Fails when a logger is already installed.
pub fn init_logging_to<W>(
    verbose: u8,
    env: Option<&str>,
    writer: W,
    ansi: bool,
) -> Result<(), tracing_subscriber::util::TryInitError>
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    use tracing_subscriber::Layer as _;
    use tracing_subscriber::filter::{FilterExt as _, LevelFilter, Targets};
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;

    let default = match verbose {
        0 => "warn",
        1 => "info,aep_s3_connect=info",
        2 => "info,aep_s3_connect=debug",
        // Other crates stay at info even here: their trace output is not vetted for secrets.
        _ => "info,aep_s3_connect=trace",
    };
    let chosen = env
        .and_then(|e| tracing_subscriber::EnvFilter::try_new(e).ok())
        .unwrap_or_else(|| tracing_subscriber::EnvFilter::new(default));
    let cap = SECRET_HANDLING_TARGETS.iter().fold(
        Targets::new().with_default(LevelFilter::TRACE),
        |t, target| t.with_target(*target, LevelFilter::INFO),
    );
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(writer)
                .with_ansi(ansi)
                .with_target(false)
                .with_filter(chosen.and(cap)),
        )
        .try_init()
}
