//! The `brigade` command: runs one simulation to idle and prints its report or run file.

use brigade::cli::{self, Command, Format};
use brigade::report::Report;
use brigade::run_file;
use brigade::sim::World;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (cfg, format) = match cli::parse(&args) {
        Ok(Command::Run(cfg, format)) => (cfg, format),
        Ok(Command::Help) => {
            print!("{}", cli::USAGE);
            return ExitCode::SUCCESS;
        }
        Ok(Command::Version) => {
            println!("brigade {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("brigade: {message}");
            return ExitCode::from(2);
        }
    };
    let mut world = match World::new(cfg) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("brigade: --{}: {}", e.field.replace('_', "-"), e.message);
            return ExitCode::from(2);
        }
    };
    world.run_to_idle();
    let text = match format {
        Format::Text => Report::of(&world).to_text(),
        Format::Json => run_file::export(&world, None) + "\n",
    };
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(text.as_bytes()).and_then(|_| stdout.flush()).is_err() {
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
