//! Files under content/ that are not what they claim: a link out of content/ (to a secret, to
//! the process environment, to an endless device), a named pipe, a huge sparse file. dossier
//! refuses each with a diagnostic, never reads what it refused, never reads more than the size
//! limit, and never hangs: every run here is killed after a deadline, and its peak memory is
//! measured (under a bounded address space, so that the machine survives a regression).

#![cfg(target_os = "linux")]

use std::fs;
use std::os::unix::fs::symlink;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::cli::init_site;

const SECRET: &str = "DOSSIER-SECRET-c0ffee-7f3a";

/// How long a run may take before it counts as hung (a check of a small site takes well under
/// a second; this is for a loaded machine).
const DEADLINE: Duration = Duration::from_secs(60);

/// Address space a run may use: enough to read a 2 GB file (and show that it did), bounded so
/// that an endless device cannot take the machine's memory.
const ADDRESS_SPACE: u64 = 3 << 30;

/// Peak memory of a run on a small site: a few tens of MB.
const PEAK_MEMORY_KB: i64 = 256 * 1024;

struct Run {
    status: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs dossier with `args` in `site`, bounded in time and memory.
fn run(site: &Path, args: &[&str]) -> Run {
    let out = tempfile::tempdir().expect("temp");
    let (stdout, stderr) = (out.path().join("stdout"), out.path().join("stderr"));
    let mut command = Command::new(env!("CARGO_BIN_EXE_dossier"));
    command
        .args(args)
        .current_dir(site)
        // A short environment that starts with the secret, so that a leak of it shows whole.
        .env_clear()
        .env("DOSSIER_TEST_SECRET", SECRET)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(fs::File::create(&stdout).expect("stdout"))
        .stderr(fs::File::create(&stderr).expect("stderr"));
    let limit = libc::rlimit {
        rlim_cur: ADDRESS_SPACE,
        rlim_max: ADDRESS_SPACE,
    };
    // SAFETY: setrlimit is async-signal-safe and touches only the child being started.
    unsafe {
        command.pre_exec(move || {
            if libc::setrlimit(libc::RLIMIT_AS, &limit) == 0 {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error())
            }
        });
    }
    // Reaped by `wait4` below, which also tells its peak memory.
    #[allow(clippy::zombie_processes)]
    let child = command.spawn().expect("spawn");
    let (status, peak_kb) = wait_bounded(child.id() as libc::pid_t, args);
    assert!(
        peak_kb < PEAK_MEMORY_KB,
        "dossier {args:?} used {} MB of memory",
        peak_kb / 1024
    );
    Run {
        status,
        stdout: fs::read_to_string(stdout).expect("stdout"),
        stderr: fs::read_to_string(stderr).expect("stderr"),
    }
}

/// Waits for the process `pid` for at most [`DEADLINE`], then kills it and fails; returns its
/// exit code and its peak resident memory in KB.
/// Waits for the run and returns its exit code and peak memory in KB. The peak is the largest
/// `VmHWM` of the dossier image seen while it runs, not the `ru_maxrss` of `wait4`: Linux
/// counts into that the memory the child had between fork and exec, a copy of this test
/// process's, which the other tests of the binary make larger than any small run.
fn wait_bounded(pid: libc::pid_t, args: &[&str]) -> (Option<i32>, i64) {
    let started = Instant::now();
    let mut peak_kb = 0;
    loop {
        if let Some(kb) = dossier_peak_kb(pid) {
            peak_kb = peak_kb.max(kb);
        }
        let mut status = 0;
        // SAFETY: an all-zero rusage is valid, and wait4 writes only the two out-parameters.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let reaped = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        assert!(reaped >= 0, "wait4: {}", std::io::Error::last_os_error());
        if reaped == pid {
            let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
            // A run too short to be seen still has a bound: its own peak cannot exceed this.
            let bound = usage.ru_maxrss;
            return (code, if peak_kb > 0 { peak_kb } else { bound });
        }
        if started.elapsed() > DEADLINE {
            // SAFETY: signalling and reaping our own child.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
                libc::waitpid(pid, &mut status, 0);
            }
            panic!("dossier {args:?} hung: killed after {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// `VmHWM` of `pid` once it runs the dossier binary (before its exec it is a copy of this
/// process); `None` before that or once it has exited.
fn dossier_peak_kb(pid: libc::pid_t) -> Option<i64> {
    let exe = fs::read_link(format!("/proc/{pid}/exe")).ok()?;
    if exe != Path::new(env!("CARGO_BIN_EXE_dossier")) {
        return None;
    }
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success());
}

#[test]
fn a_link_out_of_content_is_never_read_in_any_output() {
    let site = init_site();
    let outside = tempfile::tempdir().expect("outside");
    let secret = outside.path().join("secret.md");
    fs::write(&secret, format!("{SECRET}\n---\nid: {SECRET}\n---\n")).expect("secret");
    let customers = site.path().join("content/customers");
    symlink(&secret, customers.join("leak.md")).expect("link");
    // The kernel's view of the process's environment, which holds the secret too.
    symlink("/proc/self/environ", customers.join("environ.md")).expect("link");
    for args in [
        &["check", "--format", "full"][..],
        &["check", "--format", "concise"],
        &["check", "--format", "json"],
        &["check", "--format", "github"],
        &["build", "--format", "full"],
        &["report"],
    ] {
        let run = run(site.path(), args);
        assert_eq!(run.status, Some(1), "{args:?}: {}", run.stderr);
        for text in [&run.stdout, &run.stderr] {
            assert!(
                !text.contains(SECRET),
                "{args:?} leaked the secret:\n{text}"
            );
        }
    }
    let run = run(site.path(), &["check"]);
    assert_eq!(
        run.stdout,
        "content/customers/environ.md:1:1: error[E008] symbolic link points outside content/ and \
         is not followed (help: copy the file into content/ instead of linking to it)\n\
         content/customers/leak.md:1:1: error[E008] symbolic link points outside content/ and is \
         not followed (help: copy the file into content/ instead of linking to it)\n"
    );
}

#[test]
fn pipes_and_endless_devices_neither_hang_nor_grow() {
    let site = init_site();
    let customers = site.path().join("content/customers");
    let outside = tempfile::tempdir().expect("outside");
    // A named pipe in content/ and one outside it behind a link: nobody ever writes to them.
    mkfifo(&customers.join("pipe.md"));
    mkfifo(&outside.path().join("pipe"));
    symlink(
        outside.path().join("pipe"),
        customers.join("linked-pipe.md"),
    )
    .expect("link");
    symlink("/dev/zero", customers.join("zero.md")).expect("link");
    symlink("/dev/urandom", customers.join("random.md")).expect("link");
    for args in [&["check", "--format", "full"][..], &["build"], &["report"]] {
        let run = run(site.path(), args);
        assert_eq!(run.status, Some(1), "{args:?}: {}", run.stderr);
    }
    let run = run(site.path(), &["check"]);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "content/customers/linked-pipe.md:1:1: error[E008] symbolic link points outside \
             content/ and is not followed (help: copy the file into content/ instead of linking \
             to it)",
            "content/customers/pipe.md:1:1: error[E008] cannot read: it is a named pipe (FIFO), \
             not a regular file (help: only regular files are read; replace it with a file, or \
             move it out of content/)",
            "content/customers/random.md:1:1: error[E008] symbolic link points outside content/ \
             and is not followed (help: copy the file into content/ instead of linking to it)",
            "content/customers/zero.md:1:1: error[E008] symbolic link points outside content/ and \
             is not followed (help: copy the file into content/ instead of linking to it)",
        ]
    );
}

#[test]
fn a_huge_sparse_file_is_refused_without_reading_it() {
    let site = init_site();
    let big = site.path().join("content/customers/big.md");
    // Sparse files take no disk: all zeros, which are valid UTF-8. One of 2 GB, and one small
    // enough to be read whole (and its snippet rendered) within the address space of a run.
    fs::File::create(&big)
        .and_then(|f| f.set_len(2 << 30))
        .expect("2 GB");
    fs::File::create(site.path().join("content/customers/over.md"))
        .and_then(|f| f.set_len(32 << 20))
        .expect("32 MB");
    for args in [&["check", "--format", "full"][..], &["build"]] {
        let run = run(site.path(), args);
        assert_eq!(run.status, Some(1), "{args:?}: {}", run.stderr);
        assert!(
            run.stdout.len() < 4096,
            "{args:?} printed {} bytes",
            run.stdout.len()
        );
        assert!(
            run.stdout.contains("error[E007]")
                && run
                    .stdout
                    .contains("file is 2147483648 bytes, over the 5 MiB limit")
                && run
                    .stdout
                    .contains("file is 33554432 bytes, over the 5 MiB limit"),
            "{args:?}: {}",
            run.stdout
        );
    }
}
