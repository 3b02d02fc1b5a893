//! The `despin` command line: parses arguments and wires the library together.

mod cli;

fn main() {
    std::process::exit(cli::main());
}
