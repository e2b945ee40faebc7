//! The platform's one configuration file: where the fleet, the records and the database are,
//! where to listen, which clock to run on, and the policy data files (thresholds, credit
//! rules, risk policy, rescue policy) — each optional, with the Hangzhou defaults. Everything
//! is read and checked before anything starts; a bad file is one clear error naming it.
//!
//! ```
//! use liftspec_platform::config::ConfigFile;
//! let file: ConfigFile = serde_json::from_str(r#"{"fleet": "fleet.json", "clock": "frames"}"#)?;
//! assert_eq!(file.database, "liftspec.db");
//! # Ok::<(), serde_json::Error>(())
//! ```

use std::path::{Path, PathBuf};

use liftspec_credit::rules::RuleSet;
use liftspec_detect::thresholds::Thresholds;
use liftspec_model::record::Record;
use liftspec_rescue::policy::RescuePolicy;
use liftspec_risk::triggers::Policy;

use crate::fleet::Fleet;

/// Which time the platform runs on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Clock {
    /// The wall clock: a frame is received now, and a timer ticks the detectors and the rescue
    /// service every second. For real terminals.
    #[default]
    Wall,
    /// The frames' own send times: a frame is received at its `sentAt`, the platform's time is
    /// the latest one seen, and detectors are ticked only as their own frames arrive. For
    /// simulated or recorded cities played faster than real time (`liftspec city --to`),
    /// whose results then equal an in-memory run of the same frames.
    Frames,
}

/// The file as written.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ConfigFile {
    /// The fleet file ([`Fleet`]).
    pub fleet: String,
    /// Records (JSON lines) imported when the database has none yet.
    #[serde(default)]
    pub records: Option<String>,
    /// The database file (created when missing).
    #[serde(default = "default_database")]
    pub database: String,
    /// A PostgreSQL database to keep the state in instead of the `database` file (a libpq URL,
    /// e.g. `postgresql://liftspec@127.0.0.1:5432/liftspec`); needs the `postgres` feature,
    /// which the `liftspec` command has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postgres: Option<String>,
    /// Where terminals connect (TCP, stream mode).
    #[serde(default = "default_terminals")]
    pub terminals: String,
    /// Where the HTTP API listens.
    #[serde(default = "default_http")]
    pub http: String,
    /// Which clock.
    #[serde(default)]
    pub clock: Clock,
    /// Detection thresholds (default: liftspec's, each citing its source).
    #[serde(default)]
    pub thresholds: Option<String>,
    /// The maintenance units' credit rules (default: Hangzhou's).
    #[serde(default)]
    pub credit_rules: Option<String>,
    /// The risk policy (default: Hangzhou Reg. Art. 32).
    #[serde(default)]
    pub risk_policy: Option<String>,
    /// The rescue policy (default: Hangzhou Reg. Art. 30 limits).
    #[serde(default)]
    pub rescue_policy: Option<String>,
}

impl ConfigFile {
    /// A configuration for the fleet file `fleet` with every default: the database
    /// `liftspec.db`, terminals on 127.0.0.1:7400, the API on 127.0.0.1:8080, the wall clock,
    /// the Hangzhou policies.
    pub fn new(fleet: impl Into<String>) -> Self {
        Self {
            fleet: fleet.into(),
            records: None,
            database: default_database(),
            postgres: None,
            terminals: default_terminals(),
            http: default_http(),
            clock: Clock::Wall,
            thresholds: None,
            credit_rules: None,
            risk_policy: None,
            rescue_policy: None,
        }
    }
}

fn default_database() -> String {
    "liftspec.db".into()
}
fn default_terminals() -> String {
    "127.0.0.1:7400".into()
}
fn default_http() -> String {
    "127.0.0.1:8080".into()
}

/// The rules the platform runs with.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The fleet.
    pub fleet: Fleet,
    /// Detection thresholds.
    pub thresholds: Thresholds,
    /// Credit rules for maintenance units.
    pub credit_rules: RuleSet,
    /// Risk policy.
    pub risk_policy: Policy,
    /// Rescue policy.
    pub rescue_policy: RescuePolicy,
    /// Which clock.
    pub clock: Clock,
}

impl Setup {
    /// A fleet with every default policy and the wall clock.
    pub fn new(fleet: Fleet) -> Self {
        Self {
            fleet,
            thresholds: Thresholds::default(),
            credit_rules: RuleSet::default_maintenance_unit(),
            risk_policy: Policy::hangzhou(),
            rescue_policy: RescuePolicy::default(),
            clock: Clock::Wall,
        }
    }
}

/// A configuration read and checked.
#[derive(Debug, Clone)]
pub struct Config {
    /// The rules.
    pub setup: Setup,
    /// Records to import into an empty database.
    pub records: Vec<Record>,
    /// The database file.
    pub database: PathBuf,
    /// The PostgreSQL database, when the state lives there instead of the file.
    pub postgres: Option<String>,
    /// Where terminals connect.
    pub terminals: String,
    /// Where the HTTP API listens.
    pub http: String,
}

/// A configuration that cannot be used. Names the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {why} ({code})")]
pub struct ConfigError {
    /// The file.
    pub file: String,
    /// A stable code.
    pub code: &'static str,
    /// What is wrong.
    pub why: String,
}

fn err(file: &Path, code: &'static str, why: impl std::fmt::Display) -> ConfigError {
    ConfigError {
        file: file.display().to_string(),
        code,
        why: why.to_string(),
    }
}

/// The most a data file may hold (a city's fleet file is tens of megabytes).
const MAX_FILE_BYTES: u64 = 1 << 30;

fn read(path: &Path) -> Result<String, ConfigError> {
    let meta = std::fs::metadata(path).map_err(|e| err(path, "config.unreadable", e))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(err(
            path,
            "config.too_large",
            format!("{} bytes", meta.len()),
        ));
    }
    std::fs::read_to_string(path).map_err(|e| err(path, "config.unreadable", e))
}

impl Config {
    /// Reads the configuration file at `path` and every file it names (relative paths are
    /// relative to its folder), checking each.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let file: ConfigFile =
            serde_json::from_str(&read(path)?).map_err(|e| err(path, "config.syntax", e))?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let at = |p: &str| dir.join(p);
        let fleet_path = at(&file.fleet);
        let fleet =
            Fleet::from_json(&read(&fleet_path)?).map_err(|e| err(&fleet_path, e.code(), &e))?;
        let thresholds = match &file.thresholds {
            Some(p) => {
                let p = at(p);
                let t: Thresholds = serde_json::from_str(&read(&p)?)
                    .map_err(|e| err(&p, "thresholds.syntax", e))?;
                t.validate().map_err(|e| err(&p, e.code(), &e))?;
                t
            }
            None => Thresholds::default(),
        };
        let credit_rules = match &file.credit_rules {
            Some(p) => {
                let p = at(p);
                RuleSet::from_json(&read(&p)?).map_err(|e| err(&p, e.code(), &e))?
            }
            None => RuleSet::default_maintenance_unit(),
        };
        let risk_policy = match &file.risk_policy {
            Some(p) => {
                let p = at(p);
                Policy::from_json(&read(&p)?).map_err(|e| err(&p, e.code(), &e))?
            }
            None => Policy::hangzhou(),
        };
        let rescue_policy = match &file.rescue_policy {
            Some(p) => {
                let p = at(p);
                serde_json::from_str(&read(&p)?).map_err(|e| err(&p, "rescue_policy.syntax", e))?
            }
            None => RescuePolicy::default(),
        };
        let mut records = Vec::new();
        if let Some(p) = &file.records {
            let p = at(p);
            for (n, line) in read(&p)?.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let r: Record = serde_json::from_str(line)
                    .map_err(|e| err(&p, "records.syntax", format!("line {}: {e}", n + 1)))?;
                records.push(r);
            }
        }
        Ok(Self {
            setup: Setup {
                fleet,
                thresholds,
                credit_rules,
                risk_policy,
                rescue_policy,
                clock: file.clock,
            },
            records,
            database: at(&file.database),
            postgres: file.postgres,
            terminals: file.terminals,
            http: file.http,
        })
    }
}
