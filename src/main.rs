//! aep-s3-connect: the window, or a command-line tool when given a command.

use clap::Parser;

use aep_s3_connect::cli::{self, Cli};

fn main() {
    let args = Cli::parse();
    cli::init_logging(args.global.verbose);
    let code = match args.command {
        Some(command) => cli::run(args.global, command),
        None => {
            eprintln!(
                "The desktop window is not in this build yet; use a command (see --help), e.g. `aep-s3-connect emulator`."
            );
            2
        }
    };
    std::process::exit(code);
}
