use alloc::string::String;
use alloc::vec::Vec;
use chrono::NaiveDate;

use crate::id::CreditCode;

/// A service an "insurance + service" (电梯养老保险) policy provides to the use unit
/// (implementation opinions item 3).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum InsuredService {
    /// 维护保养.
    Maintenance,
    /// 检验 (statutory inspection fees).
    Inspection,
    /// 检测 (testing).
    Testing,
    /// 安全风险评估.
    RiskAssessment,
    /// 修理.
    Repair,
    /// 改造.
    Modernisation,
    /// 更新 (replacement).
    Replacement,
}

/// What an insurance policy covers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum InsuranceCover {
    /// 电梯安全责任保险: liability for injury and damage (opinions item 3).
    SafetyLiability {
        /// Cover per accident, in yuan.
        limit_per_accident_yuan: u64,
    },
    /// 电梯养老保险: comprehensive cover where the insurer provides services.
    Comprehensive {
        /// The services included.
        services: Vec<InsuredService>,
    },
}

/// An insurance policy on a lift.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct InsurancePolicy {
    /// The insurer.
    pub insurer: CreditCode,
    /// The insurer's policy number.
    pub policy_number: String,
    /// What is covered.
    pub cover: InsuranceCover,
    /// First day of cover.
    pub valid_from: NaiveDate,
    /// Last day of cover.
    pub valid_until: NaiveDate,
}

impl InsurancePolicy {
    /// Whether the policy is in force on `date`.
    pub fn in_force_on(&self, date: NaiveDate) -> bool {
        self.valid_from <= date && date <= self.valid_until
    }
}
