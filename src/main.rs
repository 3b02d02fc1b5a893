//! The `despin` command line: parses arguments and wires the library together.

mod cli;

fn main() {
    tune_allocator();
    std::process::exit(cli::main());
}

/// glibc's malloc raises its mmap threshold each time a large block is freed, so after the
/// first piece of a streamed file the next pieces' multi-megabyte token tables come from the
/// heaps of the threads' arenas and stay resident once freed: with two threads, tens of
/// megabytes above the bound README's *Memory* states. A fixed threshold sends every block of
/// a megabyte or more to its own mapping, returned when freed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_allocator() {
    // SAFETY: mallopt only sets a tuning parameter, before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_allocator() {}
