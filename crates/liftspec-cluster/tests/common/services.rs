//! Real nats-server and PostgreSQL for the tests and the load measurement, from Debian's
//! packages (`scripts/test` installs them), started on loopback in temporary directories and
//! stopped when dropped.
#![allow(dead_code, unreachable_pub)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Whether the servers are installed. When `LIFTSPEC_REQUIRE_SERVICES` is set (the README's
/// test command sets it), their absence fails the test instead of skipping it.
pub fn available() -> bool {
    let ok = which("nats-server").is_some() && pg_bin().is_some();
    if !ok {
        assert!(
            std::env::var_os("LIFTSPEC_REQUIRE_SERVICES").is_none(),
            "nats-server or PostgreSQL is not installed (scripts/test installs them)"
        );
        eprintln!(
            "SKIPPED: nats-server or PostgreSQL is not installed; scripts/test installs them"
        );
    }
    ok
}

fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/usr/bin")])
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

fn pg_bin() -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|b| b.join("initdb").is_file())
        .collect();
    found.sort();
    found.pop()
}

/// A port free now on loopback.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A fresh scratch directory, removed when dropped: a passing test leaves nothing behind, a
/// failing one (the thread is panicking) keeps its stores and logs for its reader. Declare it
/// before the servers that live in it, so they stop first.
pub fn scratch(name: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("liftspec-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    Scratch(dir)
}

/// A scratch directory; see [`scratch`].
pub struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<std::ffi::OsStr> for Scratch {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.0.as_os_str()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("kept for the failed test: {}", self.0.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// A nats-server with JetStream, its store in a directory that outlives a restart.
pub struct Nats {
    pub port: u16,
    store: PathBuf,
    child: Option<Child>,
}

impl Nats {
    pub fn start(dir: &Path) -> Self {
        let mut n = Self {
            port: free_port(),
            store: dir.join("nats"),
            child: None,
        };
        n.spawn();
        n
    }

    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    fn spawn(&mut self) {
        // Right after a kill the port or the store may not be free yet: try again shortly.
        let mut said = Vec::new();
        for _ in 0..25 {
            match self.try_spawn() {
                Ok(child) => {
                    self.child = Some(child);
                    return;
                }
                Err(log) => said.push(log),
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!("nats-server did not start: {said:?}");
    }

    fn try_spawn(&mut self) -> Result<Child, String> {
        let mut child = Command::new(which("nats-server").unwrap())
            .args(["-js", "-sd"])
            .arg(&self.store)
            .args(["-a", "127.0.0.1", "-p", &self.port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut log = BufReader::new(child.stderr.take().unwrap());
        let started = Instant::now();
        let mut line = String::new();
        let mut all = String::new();
        while !line.contains("Server is ready") {
            line.clear();
            if log.read_line(&mut line).unwrap_or(0) == 0
                || started.elapsed() > Duration::from_secs(30)
            {
                let _ = child.kill();
                let _ = child.wait();
                return Err(all);
            }
            all.push_str(&line);
        }
        // Keep draining its log so it never blocks on a full pipe, into a file beside its
        // store (every start appends) for a failed test's reader.
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.store.with_extension("log"))
            .ok();
        std::thread::spawn(move || {
            use std::io::Write;
            let mut line = all;
            loop {
                if let Some(f) = file.as_mut() {
                    let _ = f.write_all(line.as_bytes());
                }
                line.clear();
                if !log.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
                    break;
                }
            }
        });
        Ok(child)
    }

    /// Kills the server (SIGKILL) and starts it again on the same port and store.
    pub fn restart(&mut self) {
        self.stop();
        self.spawn();
    }

    fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for Nats {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A PostgreSQL server with database `liftspec`, socket and data in a temporary directory.
pub struct Postgres {
    pub port: u16,
    data: PathBuf,
    bin: PathBuf,
}

fn as_postgres(args: &[&str]) -> Command {
    // The server refuses to run as root: run its tools as the postgres user then.
    let root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0\n"))
        .unwrap_or(false);
    if root {
        let mut c = Command::new("su");
        let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
        c.args(["postgres", "-s", "/bin/sh", "-c", &quoted.join(" ")]);
        c
    } else {
        let mut c = Command::new(args[0]);
        c.args(&args[1..]);
        c
    }
}

impl Postgres {
    pub fn start(dir: &Path) -> Self {
        let bin = pg_bin().unwrap();
        let root = dir.join("pg");
        std::fs::create_dir_all(&root).unwrap();
        let _ = Command::new("chown")
            .args(["-R", "postgres"])
            .arg(&root)
            .status();
        let data = root.join("data");
        let port = free_port();
        let s = |p: &Path| p.to_str().unwrap().to_owned();
        let ok = as_postgres(&[
            &s(&bin.join("initdb")),
            "-D",
            &s(&data),
            "-A",
            "trust",
            "-U",
            "liftspec",
        ])
        .stdout(Stdio::null())
        .status()
        .unwrap();
        assert!(ok.success(), "initdb failed");
        let opts = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=on",
            s(&root)
        );
        let ok = as_postgres(&[
            &s(&bin.join("pg_ctl")),
            "-D",
            &s(&data),
            "-o",
            &opts,
            "-l",
            &s(&root.join("log")),
            "-w",
            "start",
        ])
        .stdout(Stdio::null())
        .status()
        .unwrap();
        assert!(ok.success(), "pg_ctl start failed");
        let ok = Command::new("psql")
            .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-U", "liftspec"])
            .args(["-d", "postgres", "-q", "-c", "create database liftspec"])
            .status()
            .unwrap();
        assert!(ok.success(), "create database failed");
        Self { port, data, bin }
    }

    pub fn url(&self) -> String {
        self.url_of("liftspec")
    }

    /// The URL of database `db` on this server.
    pub fn url_of(&self, db: &str) -> String {
        format!("postgresql://liftspec@127.0.0.1:{}/{db}", self.port)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let s = |p: &Path| p.to_str().unwrap().to_owned();
        let _ = as_postgres(&[
            &s(&self.bin.join("pg_ctl")),
            "-D",
            &s(&self.data),
            "-m",
            "immediate",
            "stop",
        ])
        .stdout(Stdio::null())
        .status();
    }
}
