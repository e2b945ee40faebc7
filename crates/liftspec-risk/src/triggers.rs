//! Risk-assessment triggers as per-city policy: Hangzhou Reg. Art. 32's conditions, all "may";
//! Ningbo Reg. Art. 21's own conditions, "may" for age and disasters that may affect safe
//! operation and "shall" for seriously damaged main components, a high fault rate or another
//! situation seriously affecting safe operation; a component registry of design lives (liftspec
//! defaults, labelled as such in every explanation); and the screening of a lift, each trigger
//! explaining itself (condition, clause, evidence, the date it first held). Counting follows
//! `liftspec_model::counting` ("超过十五年": from the day after the 15-year period ends).

use chrono::{Datelike, NaiveDate};
use liftspec_model::equipment::{anniversary, EquipmentKind};
use liftspec_model::id::RegistrationCode;
use liftspec_model::record::{ComponentKind, ComponentReplacement, DisasterExposure, DisasterKind};

/// May (the owner may commission an assessment) or shall (it must).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub enum Obligation {
    /// The owner may commission an assessment.
    May,
    /// An assessment is required.
    Shall,
}

/// A condition of the policy.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub enum Condition {
    /// In service for more than `years` (Art. 32(1): 15).
    InServiceOver {
        /// Years.
        years: u32,
    },
    /// Hit by one of these disasters (Art. 32(2)).
    Disaster {
        /// Kinds that count.
        kinds: Vec<DisasterKind>,
    },
    /// A main component at its design life in years or cycles (Art. 32(3)).
    ComponentLife,
    /// At least `faults` faults in one calendar month (Art. 32(4), "a high fault rate that
    /// affects use"; 3 is liftspec's documented default).
    HighFaultRate {
        /// Faults in a month.
        faults: u32,
    },
    /// A main component found seriously damaged (Ningbo Reg. Art. 21: 电梯主要部件严重损害), from
    /// the lift's safety findings.
    ComponentSeriouslyDamaged,
    /// Another situation: any finding that calls for an assessment (Hangzhou Reg. Art. 32(5):
    /// 其他需要安全风险评估的情形), or only serious ones (Ningbo Reg. Art. 21: 其他严重影响电梯安全运行情形).
    Other {
        /// Only findings marked serious count.
        serious_only: bool,
    },
}

/// A finding about a lift's safety, from an inspection, a maintenance visit or an assessment: a
/// damaged component, or another situation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SafetyFinding {
    /// The record it comes from.
    pub id: liftspec_model::id::RecordId,
    /// When it was found.
    pub found_on: NaiveDate,
    /// The main component concerned, if it is about one.
    pub component: Option<ComponentKind>,
    /// Whether it seriously affects safe operation (严重).
    pub serious: bool,
    /// What was found.
    pub description: String,
}

/// One rule of a policy.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Rule {
    /// What.
    pub condition: Condition,
    /// May or shall.
    pub obligation: Obligation,
    /// The clause.
    pub clause: String,
}

/// A city's policy.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Policy {
    /// Id, e.g. `hangzhou-2020`.
    pub id: String,
    /// The rules.
    pub rules: Vec<Rule>,
}

/// Why a policy, a registry or a lift's data cannot be screened.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RiskError {
    /// Not a policy file (serde's message names the unknown condition or field).
    #[error("policy file: {0}")]
    Policy(String),
    /// A registry entry with neither a design life in years nor in cycles.
    #[error("component registry: {0:?} has no design life in years or cycles")]
    NoDesignLife(ComponentKind),
    /// A commissioning date after the screening date.
    #[error("lift {lift}: commissioned on {commissioned}, after the screening date {today}")]
    FutureCommissioning {
        /// The lift.
        lift: String,
        /// Its commissioning date.
        commissioned: NaiveDate,
        /// The screening date.
        today: NaiveDate,
    },
}

impl RiskError {
    /// A stable, machine-readable code.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Policy(_) => "risk.policy",
            Self::NoDesignLife(_) => "risk.no_design_life",
            Self::FutureCommissioning { .. } => "risk.future_commissioning",
        }
    }
}

const ART32: &str = "Hangzhou Reg. Art. 32";
const ART21: &str = "Ningbo Reg. Art. 21";

impl Policy {
    /// Parses a policy file.
    pub fn from_json(text: &str) -> Result<Self, RiskError> {
        serde_json::from_str(text).map_err(|e| RiskError::Policy(e.to_string()))
    }

    /// Hangzhou (Reg. Art. 32 ¶1): the use unit *may* commission an assessment (可以委托) under
    /// each of its five items.
    pub fn hangzhou() -> Self {
        let rule = |condition, clause: &str| Rule {
            condition,
            obligation: Obligation::May,
            clause: format!("{ART32}{clause}"),
        };
        Self {
            id: "hangzhou-2020".into(),
            rules: vec![
                rule(Condition::InServiceOver { years: 15 }, "(1) (使用期限超过十五年: in service more than 15 years)"),
                rule(
                    Condition::Disaster {
                        kinds: vec![DisasterKind::Flood, DisasterKind::Fire, DisasterKind::Lightning, DisasterKind::Earthquake, DisasterKind::Other],
                    },
                    "(2) (hit by flood, fire, lightning, earthquake or another disaster)",
                ),
                rule(Condition::ComponentLife, "(3) (main components at their design life in years or cycles; the design lives are liftspec defaults unless the registry names the manufacturer's)"),
                rule(
                    Condition::HighFaultRate { faults: 3 },
                    "(4) (a high fault rate affecting use; ≥ 3 faults in a month: liftspec default)",
                ),
                rule(Condition::Other { serious_only: false }, "(5) (another situation that calls for an assessment)"),
            ],
        }
    }

    /// Ningbo (Reg. Art. 21 ¶1), in its own terms: in service more than 15 years, or hit by
    /// flood, fire, lightning, earthquake or another disaster, *where this may affect safe
    /// operation* — the use unit **may** commission an assessment (可以委托); main components
    /// seriously damaged, a high fault rate, or another situation seriously affecting safe
    /// operation — it **shall** (应当委托). Ningbo has no design-life condition. Whether age or a
    /// disaster may affect safe operation is a judgement the data cannot make: those triggers say
    /// so in their clause.
    pub fn ningbo() -> Self {
        let rule = |condition, obligation, clause: &str| Rule {
            condition,
            obligation,
            clause: format!("{ART21}{clause}"),
        };
        Self {
            id: "ningbo-2021".into(),
            rules: vec![
                rule(Condition::InServiceOver { years: 15 }, Obligation::May, " ¶1 (may: 使用年限超过十五年, in service more than 15 years, where it may affect safe operation — to be judged)"),
                rule(
                    Condition::Disaster {
                        kinds: vec![DisasterKind::Flood, DisasterKind::Fire, DisasterKind::Lightning, DisasterKind::Earthquake, DisasterKind::Other],
                    },
                    Obligation::May,
                    " ¶1 (may: hit by flood, fire, lightning, earthquake or another disaster, where it may affect safe operation — to be judged)",
                ),
                rule(Condition::ComponentSeriouslyDamaged, Obligation::Shall, " ¶1 (shall: 电梯主要部件严重损害, main components seriously damaged)"),
                rule(
                    Condition::HighFaultRate { faults: 3 },
                    Obligation::Shall,
                    " ¶1 (shall: 运行故障率高, a high fault rate; ≥ 3 faults in a month: liftspec default)",
                ),
                rule(Condition::Other { serious_only: true }, Obligation::Shall, " ¶1 (shall: another situation seriously affecting safe operation)"),
            ],
        }
    }
}

/// A component's design life.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DesignLife {
    /// The component.
    pub component: ComponentKind,
    /// Years, if rated in years.
    pub years: Option<u32>,
    /// Cycles (runs, or door cycles for door parts), if rated in cycles.
    pub cycles: Option<u64>,
    /// Where the figures come from, shown in every explanation that uses them (`None`:
    /// liftspec's default).
    #[serde(default)]
    pub source: Option<String>,
}

impl DesignLife {
    /// Where the figures come from, for explanations.
    pub fn source(&self) -> &str {
        self.source.as_deref().unwrap_or(DEFAULT_LIFE_SOURCE)
    }
}

/// How a default design life is labelled wherever it reaches a user.
pub const DEFAULT_LIFE_SOURCE: &str =
    "liftspec default design life, not a figure from the Regulation or the manufacturer";

/// Design lives of main components (liftspec defaults \[recall\], pending manufacturers' data).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ComponentRegistry {
    /// Entries.
    pub components: Vec<DesignLife>,
}

impl ComponentRegistry {
    /// liftspec's defaults.
    pub fn default_lives() -> Self {
        let d = |component, years, cycles| DesignLife {
            component,
            years,
            cycles,
            source: None,
        };
        Self {
            components: vec![
                d(ComponentKind::TractionMachine, Some(20), Some(20_000_000)),
                d(ComponentKind::Brake, Some(20), Some(20_000_000)),
                d(ComponentKind::Controller, Some(15), None),
                d(ComponentKind::SuspensionMeans, Some(10), Some(2_000_000)),
                d(ComponentKind::DoorOperator, Some(12), Some(4_000_000)),
                d(ComponentKind::DoorLock, Some(12), Some(4_000_000)),
                d(ComponentKind::Governor, Some(25), None),
                d(ComponentKind::SafetyGear, Some(25), None),
            ],
        }
    }

    /// Checks every entry has a design life.
    pub fn validate(&self) -> Result<(), RiskError> {
        match self
            .components
            .iter()
            .find(|c| c.years.is_none() && c.cycles.is_none())
        {
            Some(c) => Err(RiskError::NoDesignLife(c.component.clone())),
            None => Ok(()),
        }
    }
}

/// A lift's counters from its last Statistics message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Counters {
    /// When they were read.
    pub on: NaiveDate,
    /// Total runs.
    pub run_count: u64,
    /// Total door cycles.
    pub door_cycles: u64,
}

/// What screening reads about one lift.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiftRiskInput {
    /// The lift.
    pub registration_code: RegistrationCode,
    /// Kind.
    pub kind: EquipmentKind,
    /// Commissioning date.
    pub commissioned_on: NaiveDate,
    /// Counters, if the terminal reports them.
    pub counters: Option<Counters>,
    /// Faults per month (year, month, count).
    pub monthly_faults: Vec<(i32, u32, u32)>,
    /// Disasters that hit it.
    pub disasters: Vec<DisasterExposure>,
    /// Main components replaced (their life starts again).
    pub replacements: Vec<ComponentReplacement>,
    /// Safety findings (damaged components, other situations); none if absent.
    #[serde(default)]
    pub findings: Vec<SafetyFinding>,
}

/// A trigger that holds, explained.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Trigger {
    /// Which condition (`inServiceOver`, `disaster`, `componentLife`, `highFaultRate`).
    pub condition: String,
    /// May or shall.
    pub obligation: Obligation,
    /// Clause.
    pub clause: String,
    /// The facts behind it.
    pub evidence: Vec<String>,
    /// The date it first held.
    pub first_held: NaiveDate,
}

/// Screens one lift on `today`: every trigger that holds, in policy order.
pub fn screen(
    policy: &Policy,
    registry: &ComponentRegistry,
    lift: &LiftRiskInput,
    today: NaiveDate,
) -> Result<Vec<Trigger>, RiskError> {
    registry.validate()?;
    if lift.commissioned_on > today {
        return Err(RiskError::FutureCommissioning {
            lift: lift.registration_code.to_string(),
            commissioned: lift.commissioned_on,
            today,
        });
    }
    let mut out = Vec::new();
    for rule in &policy.rules {
        let mut found = |condition: &str, evidence: Vec<String>, first_held: NaiveDate| {
            out.push(Trigger {
                condition: condition.into(),
                obligation: rule.obligation,
                clause: rule.clause.clone(),
                evidence,
                first_held,
            });
        };
        match &rule.condition {
            Condition::InServiceOver { years } => {
                // "More than N years": from the day after the N-th anniversary.
                // (No day after the anniversary in the calendar: the condition cannot hold yet.)
                let first = liftspec_model::counting::more_than_years(lift.commissioned_on, *years);
                if let Some(first) = first {
                    if today >= first {
                        found(
                            "inServiceOver",
                            vec![format!(
                                "commissioned {}, in service more than {years} years since {first}",
                                lift.commissioned_on
                            )],
                            first,
                        );
                    }
                }
            }
            Condition::Disaster { kinds } => {
                let mut hits: Vec<&DisasterExposure> = lift
                    .disasters
                    .iter()
                    .filter(|d| kinds.contains(&d.kind) && d.occurred_on <= today)
                    .collect();
                hits.sort_by_key(|d| d.occurred_on);
                if let Some(first) = hits.first() {
                    found(
                        "disaster",
                        hits.iter()
                            .map(|d| {
                                format!(
                                    "{:?} on {} ({}, record {})",
                                    d.kind, d.occurred_on, d.description, d.id
                                )
                            })
                            .collect(),
                        first.occurred_on,
                    );
                }
            }
            Condition::ComponentLife => {
                let mut evidence = Vec::new();
                let mut first: Option<NaiveDate> = None;
                for life in &registry.components {
                    if !applies(&life.component, lift.kind) {
                        continue;
                    }
                    let replaced = lift
                        .replacements
                        .iter()
                        .filter(|r| r.component == life.component && r.replaced_on <= today)
                        .map(|r| r.replaced_on)
                        .max();
                    let since = replaced.unwrap_or(lift.commissioned_on);
                    if let Some(years) = life.years {
                        if let Some(due) = anniversary(since, years).filter(|d| *d <= today) {
                            evidence.push(format!(
                                "{:?}: in use since {since}, design life {years} years reached on {due} ({})",
                                life.component,
                                life.source()
                            ));
                            first = Some(first.map_or(due, |f| f.min(due)));
                        }
                    }
                    if let (Some(cycles), Some(c), None) = (life.cycles, lift.counters, replaced) {
                        let used = if matches!(
                            life.component,
                            ComponentKind::DoorOperator | ComponentKind::DoorLock
                        ) {
                            c.door_cycles
                        } else {
                            c.run_count
                        };
                        if used >= cycles && c.on <= today {
                            evidence.push(format!(
                                "{:?}: {used} cycles by {} (design {cycles}: {})",
                                life.component,
                                c.on,
                                life.source()
                            ));
                            first = Some(first.map_or(c.on, |f| f.min(c.on)));
                        }
                    }
                }
                if let Some(first) = first {
                    found("componentLife", evidence, first);
                }
            }
            Condition::HighFaultRate { faults } => {
                let mut months: Vec<&(i32, u32, u32)> = lift
                    .monthly_faults
                    .iter()
                    .filter(|(_, _, n)| n >= faults)
                    .collect();
                months.sort();
                let first = months
                    .iter()
                    .filter_map(|(y, m, _)| NaiveDate::from_ymd_opt(*y, *m, 1))
                    .find(|d| *d <= today);
                if let Some(first) = first {
                    found(
                        "highFaultRate",
                        months
                            .iter()
                            .map(|(y, m, n)| {
                                format!("{n} faults in {y}-{m:02} (threshold {faults} a month: liftspec default)")
                            })
                            .collect(),
                        first,
                    );
                }
            }
            Condition::ComponentSeriouslyDamaged | Condition::Other { .. } => {
                let component = matches!(rule.condition, Condition::ComponentSeriouslyDamaged);
                let serious_only = match rule.condition {
                    Condition::Other { serious_only } => serious_only,
                    _ => true,
                };
                let mut hits: Vec<&SafetyFinding> = lift
                    .findings
                    .iter()
                    .filter(|f| {
                        f.found_on <= today
                            && f.component.is_some() == component
                            && (f.serious || !serious_only)
                    })
                    .collect();
                hits.sort_by_key(|f| f.found_on);
                if let Some(first) = hits.first() {
                    found(
                        if component {
                            "componentSeriouslyDamaged"
                        } else {
                            "other"
                        },
                        hits.iter()
                            .map(|f| {
                                format!(
                                    "{}{} on {} (record {})",
                                    f.component
                                        .as_ref()
                                        .map_or(String::new(), |c| format!("{c:?}: ")),
                                    f.description,
                                    f.found_on,
                                    f.id
                                )
                            })
                            .collect(),
                        first.found_on,
                    );
                }
            }
        }
    }
    Ok(out)
}

/// Whether a component applies to a kind of equipment.
fn applies(component: &ComponentKind, kind: EquipmentKind) -> bool {
    let escalator = kind.is_escalator_family();
    match component {
        ComponentKind::DoorOperator
        | ComponentKind::DoorLock
        | ComponentKind::SuspensionMeans
        | ComponentKind::Governor
        | ComponentKind::SafetyGear => !escalator,
        _ => true,
    }
}

/// The year and month of a date (for fault tallies).
pub fn month_of(d: NaiveDate) -> (i32, u32) {
    (d.year(), d.month())
}
