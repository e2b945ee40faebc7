//! The TSG T5002-2017 maintenance item catalogue as data.
//!
//! TSG T5002-2017 lists maintenance items per equipment family (annexes A–D) and tier
//! (half-monthly ⊂ quarterly ⊂ half-yearly ⊂ yearly: each tier also includes every item of the
//! tiers below it). Items are identified as `<annex><table>-<number>`, e.g. `A1-05` is item 5 of
//! table A-1 (traction lifts, half-monthly). Item counts per table are from DOMAIN.md §6.
//! Chinese titles are given where liftspec has them transcribed (tables A-1 and A-2); the others
//! carry `None` until transcribed — the ids and counts, which completeness checks use, are complete.
//!
//! ```
//! use liftspec_model::catalogue::{check_items, item_count, MaintenanceFamily, MaintenanceItemId, MaintenanceTier};
//!
//! let family = MaintenanceFamily::TractionAndPositiveDrive;
//! assert_eq!(item_count(family, MaintenanceTier::Yearly), 76);
//! let done: Vec<MaintenanceItemId> = (1..=31).map(|n| MaintenanceItemId::new(family, MaintenanceTier::HalfMonthly, n)).collect();
//! assert!(check_items(family, MaintenanceTier::HalfMonthly, &done).is_complete());
//! assert_eq!(check_items(family, MaintenanceTier::Quarterly, &done).missing.len(), 13);
//! ```

use alloc::vec::Vec;
use core::fmt;

use crate::id::IdError;

/// The TSG T5002 annex an equipment kind's items come from.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum MaintenanceFamily {
    /// Annex A: traction and positive-drive lifts (also firefighter and explosion-proof).
    TractionAndPositiveDrive,
    /// Annex B: hydraulic lifts.
    Hydraulic,
    /// Annex C: dumbwaiters.
    Dumbwaiter,
    /// Annex D: escalators and moving walks.
    EscalatorAndMovingWalk,
}

impl MaintenanceFamily {
    /// Every family.
    pub const ALL: [Self; 4] = [
        Self::TractionAndPositiveDrive,
        Self::Hydraulic,
        Self::Dumbwaiter,
        Self::EscalatorAndMovingWalk,
    ];

    /// The annex letter.
    pub const fn annex(self) -> char {
        match self {
            Self::TractionAndPositiveDrive => 'A',
            Self::Hydraulic => 'B',
            Self::Dumbwaiter => 'C',
            Self::EscalatorAndMovingWalk => 'D',
        }
    }

    const fn from_annex(c: char) -> Option<Self> {
        Some(match c {
            'A' => Self::TractionAndPositiveDrive,
            'B' => Self::Hydraulic,
            'C' => Self::Dumbwaiter,
            'D' => Self::EscalatorAndMovingWalk,
            _ => return None,
        })
    }

    /// Items new in each tier's table (half-monthly, quarterly, half-yearly, yearly), DOMAIN.md §6.
    pub const fn table_sizes(self) -> [u8; 4] {
        match self {
            Self::TractionAndPositiveDrive => [31, 13, 15, 17],
            Self::Hydraulic => [30, 13, 9, 14],
            Self::Dumbwaiter => [20, 8, 10, 14],
            Self::EscalatorAndMovingWalk => [33, 5, 12, 13],
        }
    }
}

/// A maintenance tier. Tiers are cumulative: a quarterly session also does every half-monthly item.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum MaintenanceTier {
    /// 半月: every 15 days at most (State Council Special Equipment Reg. Art. 31).
    HalfMonthly,
    /// 季度.
    Quarterly,
    /// 半年.
    HalfYearly,
    /// 年度.
    Yearly,
}

impl MaintenanceTier {
    /// Every tier, lowest first.
    pub const ALL: [Self; 4] = [
        Self::HalfMonthly,
        Self::Quarterly,
        Self::HalfYearly,
        Self::Yearly,
    ];

    /// The table number within an annex (1–4).
    pub const fn table(self) -> u8 {
        match self {
            Self::HalfMonthly => 1,
            Self::Quarterly => 2,
            Self::HalfYearly => 3,
            Self::Yearly => 4,
        }
    }

    const fn from_table(n: u8) -> Option<Self> {
        Some(match n {
            1 => Self::HalfMonthly,
            2 => Self::Quarterly,
            3 => Self::HalfYearly,
            4 => Self::Yearly,
            _ => return None,
        })
    }
}

/// One item of the catalogue, e.g. `A1-05`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MaintenanceItemId {
    /// The annex.
    pub family: MaintenanceFamily,
    /// The table (the tier that introduces the item).
    pub tier: MaintenanceTier,
    /// Item number within the table, from 1.
    pub number: u8,
}

impl MaintenanceItemId {
    /// An item id (not checked against the catalogue; see [`MaintenanceItemId::exists`]).
    pub const fn new(family: MaintenanceFamily, tier: MaintenanceTier, number: u8) -> Self {
        Self {
            family,
            tier,
            number,
        }
    }

    /// Whether the catalogue has this item.
    pub const fn exists(self) -> bool {
        self.number >= 1 && self.number <= self.family.table_sizes()[self.tier.table() as usize - 1]
    }

    /// Parses `A1-05` (the number may have one to three digits) and checks the item exists.
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let kind = crate::id::IdKind::MaintenanceItem;
        let invalid = |position: usize, found: char, expected: &'static str| IdError::InvalidChar {
            kind,
            position,
            found,
            expected,
        };
        let mut chars = s.chars();
        let annex = chars.next().ok_or(IdError::Missing {
            kind,
            what: "the annex letter A-D",
            position: 1,
        })?;
        let family =
            MaintenanceFamily::from_annex(annex).ok_or(invalid(1, annex, "an annex letter A-D"))?;
        let table = chars.next().ok_or(IdError::Missing {
            kind,
            what: "the table number 1-4",
            position: 2,
        })?;
        let tier = table
            .to_digit(10)
            .and_then(|d| MaintenanceTier::from_table(d as u8))
            .ok_or(invalid(2, table, "a table number 1-4"))?;
        match chars.next() {
            Some('-') => {}
            Some(c) => return Err(invalid(3, c, "'-'")),
            None => {
                return Err(IdError::Missing {
                    kind,
                    what: "'-'",
                    position: 3,
                })
            }
        }
        let rest = chars.as_str();
        if rest.is_empty() || rest.len() > 3 {
            return Err(IdError::Length {
                kind,
                min: 5,
                max: 6,
                found: s.chars().count(),
            });
        }
        let mut number: u32 = 0;
        for (i, c) in rest.chars().enumerate() {
            let d = c.to_digit(10).ok_or(invalid(4 + i, c, "a digit 0-9"))?;
            number = number * 10 + d;
        }
        let id = Self::new(family, tier, number.min(255) as u8);
        if number > 255 || !id.exists() {
            return Err(IdError::OutOfRange {
                kind,
                field: "item number",
                position: 4,
                value: number,
                reason: "no such item in the TSG T5002 table",
            });
        }
        Ok(id)
    }

    /// The Chinese title of the item, where transcribed.
    pub fn title(self) -> Option<&'static str> {
        let table: &[&str] = match (self.family, self.tier) {
            (MaintenanceFamily::TractionAndPositiveDrive, MaintenanceTier::HalfMonthly) => {
                &TITLES_A1
            }
            (MaintenanceFamily::TractionAndPositiveDrive, MaintenanceTier::Quarterly) => &TITLES_A2,
            _ => return None,
        };
        table.get(usize::from(self.number).checked_sub(1)?).copied()
    }
}

impl fmt::Display for MaintenanceItemId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}-{:02}",
            self.family.annex(),
            self.tier.table(),
            self.number
        )
    }
}

impl core::str::FromStr for MaintenanceItemId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        Self::parse(s)
    }
}

impl serde::Serialize for MaintenanceItemId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for MaintenanceItemId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <alloc::borrow::Cow<'de, str>>::deserialize(d)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// TSG T5002-2017 table A-1, traction and positive-drive lifts, half-monthly items.
const TITLES_A1: [&str; 31] = [
    "机房、滑轮间环境",
    "手动紧急操作装置",
    "驱动主机",
    "制动器各销轴部位",
    "制动器间隙",
    "制动器作为轿厢意外移动保护装置制停子系统时的自监测",
    "编码器",
    "限速器各销轴部位",
    "层门和轿门旁路装置",
    "紧急电动运行",
    "轿顶",
    "轿顶检修开关、停止装置",
    "导靴上油杯",
    "对重/平衡重块及其压板",
    "井道照明",
    "轿厢照明、风扇、应急照明",
    "轿厢检修开关、停止装置",
    "轿内报警装置、对讲系统",
    "轿内显示、指令按钮、IC卡系统",
    "轿门防撞击保护装置",
    "轿门门锁电气触点",
    "轿门运行",
    "轿厢平层准确度",
    "层站召唤、层楼显示",
    "层门地坎",
    "层门自动关门装置",
    "层门门锁自动复位",
    "层门门锁电气触点",
    "层门锁紧元件啮合长度",
    "底坑环境",
    "底坑停止装置",
];

/// TSG T5002-2017 table A-2, traction and positive-drive lifts, quarterly items.
const TITLES_A2: [&str; 13] = [
    "减速机润滑油",
    "制动衬",
    "编码器",
    "选层器动静触点",
    "曳引轮槽、悬挂装置",
    "限速器轮槽、限速器钢丝绳",
    "靴衬、滚轮",
    "验证轿门关闭的电气安全装置",
    "层门、轿门系统中传动钢丝绳、链条、传动带",
    "层门门导靴",
    "消防开关",
    "耗能缓冲器",
    "限速器张紧轮装置和电气安全装置",
];

/// Every item a session of `tier` must cover for `family`: its own table and all lower tiers'.
pub fn items(
    family: MaintenanceFamily,
    tier: MaintenanceTier,
) -> impl Iterator<Item = MaintenanceItemId> {
    let sizes = family.table_sizes();
    MaintenanceTier::ALL
        .into_iter()
        .filter(move |t| *t <= tier)
        .flat_map(move |t| {
            (1..=sizes[usize::from(t.table()) - 1])
                .map(move |n| MaintenanceItemId::new(family, t, n))
        })
}

/// How many items a session of `tier` covers for `family` (e.g. 76 for a yearly traction session).
pub fn item_count(family: MaintenanceFamily, tier: MaintenanceTier) -> usize {
    family.table_sizes()[..usize::from(tier.table())]
        .iter()
        .map(|&n| usize::from(n))
        .sum()
}

/// The result of checking a session's items against its tier.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ItemCheck {
    /// Items the tier requires that the record does not list.
    pub missing: Vec<MaintenanceItemId>,
    /// Items listed that belong to another family's annex or do not exist.
    pub foreign: Vec<MaintenanceItemId>,
    /// Items of higher tiers listed as well (allowed; reported for information).
    pub beyond_tier: Vec<MaintenanceItemId>,
    /// Items listed more than once (each reported once).
    pub duplicates: Vec<MaintenanceItemId>,
}

impl ItemCheck {
    /// True when nothing required is missing and nothing foreign is listed.
    pub fn is_complete(&self) -> bool {
        self.missing.is_empty() && self.foreign.is_empty()
    }
}

/// Checks the items a maintenance session lists against its family and tier (TSG T5002-2017).
pub fn check_items(
    family: MaintenanceFamily,
    tier: MaintenanceTier,
    done: &[MaintenanceItemId],
) -> ItemCheck {
    let mut sorted: Vec<MaintenanceItemId> = done.to_vec();
    sorted.sort_unstable();
    let mut check = ItemCheck::default();
    for pair in sorted.windows(2) {
        if pair[0] == pair[1] && check.duplicates.last() != Some(&pair[0]) {
            check.duplicates.push(pair[0]);
        }
    }
    sorted.dedup();
    for item in &sorted {
        if item.family != family || !item.exists() {
            check.foreign.push(*item);
        } else if item.tier > tier {
            check.beyond_tier.push(*item);
        }
    }
    check.missing = items(family, tier)
        .filter(|required| sorted.binary_search(required).is_err())
        .collect();
    check
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cumulative_counts_match_domain_facts() {
        let expect = [
            (
                MaintenanceFamily::TractionAndPositiveDrive,
                [31, 44, 59, 76],
            ),
            (MaintenanceFamily::Hydraulic, [30, 43, 52, 66]),
            (MaintenanceFamily::Dumbwaiter, [20, 28, 38, 52]),
            (MaintenanceFamily::EscalatorAndMovingWalk, [33, 38, 50, 63]),
        ];
        for (family, counts) in expect {
            for (tier, count) in MaintenanceTier::ALL.into_iter().zip(counts) {
                assert_eq!(item_count(family, tier), count, "{family:?} {tier:?}");
                assert_eq!(items(family, tier).count(), count);
            }
        }
    }

    #[test]
    fn item_ids_parse_and_print() {
        let id: MaintenanceItemId = "A1-05".parse().unwrap();
        assert_eq!(id.to_string(), "A1-05");
        assert_eq!(id.title(), Some("制动器间隙"));
        assert_eq!("A1-5".parse::<MaintenanceItemId>().unwrap(), id);
        assert!(matches!(
            "A1-32".parse::<MaintenanceItemId>(),
            Err(IdError::OutOfRange { value: 32, .. })
        ));
        assert!(matches!(
            "D2-06".parse::<MaintenanceItemId>(),
            Err(IdError::OutOfRange { .. })
        ));
        assert!(matches!(
            "E1-01".parse::<MaintenanceItemId>(),
            Err(IdError::InvalidChar { position: 1, .. })
        ));
        assert!(matches!(
            "A5-01".parse::<MaintenanceItemId>(),
            Err(IdError::InvalidChar { position: 2, .. })
        ));
        assert!(matches!(
            "A1_01".parse::<MaintenanceItemId>(),
            Err(IdError::InvalidChar { position: 3, .. })
        ));
        assert!(matches!(
            "A1-0x".parse::<MaintenanceItemId>(),
            Err(IdError::InvalidChar { position: 5, .. })
        ));
        assert!("".parse::<MaintenanceItemId>().is_err());
        assert!("A1-".parse::<MaintenanceItemId>().is_err());
    }

    #[test]
    fn every_transcribed_title_is_in_range() {
        assert!(items(
            MaintenanceFamily::TractionAndPositiveDrive,
            MaintenanceTier::Quarterly
        )
        .all(|i| i.title().is_some()));
        assert_eq!(
            MaintenanceItemId::new(
                MaintenanceFamily::TractionAndPositiveDrive,
                MaintenanceTier::HalfYearly,
                1
            )
            .title(),
            None
        );
    }

    #[test]
    fn check_reports_missing_foreign_extra_and_duplicates() {
        let fam = MaintenanceFamily::EscalatorAndMovingWalk;
        let mut done: Vec<_> = items(fam, MaintenanceTier::HalfMonthly).collect();
        done.remove(3);
        done.push(done[0]);
        done.push(MaintenanceItemId::new(fam, MaintenanceTier::Yearly, 2));
        done.push(MaintenanceItemId::new(
            MaintenanceFamily::Hydraulic,
            MaintenanceTier::HalfMonthly,
            1,
        ));
        done.push(MaintenanceItemId::new(
            fam,
            MaintenanceTier::HalfMonthly,
            99,
        ));
        let check = check_items(fam, MaintenanceTier::HalfMonthly, &done);
        assert_eq!(
            check.missing,
            vec![MaintenanceItemId::new(fam, MaintenanceTier::HalfMonthly, 4)]
        );
        assert_eq!(
            check.duplicates,
            vec![MaintenanceItemId::new(fam, MaintenanceTier::HalfMonthly, 1)]
        );
        assert_eq!(
            check.beyond_tier,
            vec![MaintenanceItemId::new(fam, MaintenanceTier::Yearly, 2)]
        );
        assert_eq!(check.foreign.len(), 2);
        assert!(!check.is_complete());
    }
}
