//! The comprehensive safety grade, following the structure of GB/T 42615-2023: assessed items
//! in four groups (equipment, building, use management, maintenance) with weights and findings,
//! an overall score, a grade and the recommendation — continue, repair, modernise or replace —
//! with the notice to post in the car of a residential lift (Hangzhou Reg. Art. 32). The weights
//! and bands are liftspec's published defaults, pending the standard's own tables.

/// The four groups of GB/T 42615-2023.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub enum Group {
    /// The equipment itself.
    Equipment,
    /// The building and machine room.
    Building,
    /// How the use unit manages it.
    UseManagement,
    /// How it is maintained.
    Maintenance,
}

/// One assessed item with its finding.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    /// Group.
    pub group: Group,
    /// What was assessed, e.g. "traction machine and brake".
    pub name: String,
    /// Weight within its group.
    pub weight: f64,
    /// Finding, 0 (failed) to 100 (as new).
    pub score: f64,
    /// The assessor's note.
    pub finding: String,
}

/// Weights of the groups and the recommendation bands (liftspec defaults).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GradeScheme {
    /// Weight of each group in the overall score.
    pub group_weights: Vec<(Group, f64)>,
    /// Lowest overall score for each recommendation, best first.
    pub bands: Vec<(Recommendation, f64)>,
    /// Any item below this forces at least "repair".
    pub item_floor: f64,
}

impl Default for GradeScheme {
    fn default() -> Self {
        Self {
            group_weights: vec![
                (Group::Equipment, 0.5),
                (Group::Building, 0.1),
                (Group::UseManagement, 0.2),
                (Group::Maintenance, 0.2),
            ],
            bands: vec![
                (Recommendation::Continue, 85.0),
                (Recommendation::Repair, 70.0),
                (Recommendation::Modernise, 50.0),
                (Recommendation::Replace, 0.0),
            ],
            item_floor: 40.0,
        }
    }
}

/// What the assessment recommends.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "camelCase")]
pub enum Recommendation {
    /// Keep using it.
    Continue,
    /// Repair the weak items.
    Repair,
    /// Modernise (major components or systems).
    Modernise,
    /// Replace the lift.
    Replace,
}

/// An assessment's result.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Assessment {
    /// Score of each group.
    pub groups: Vec<(Group, f64)>,
    /// Overall score.
    pub score: f64,
    /// Recommendation.
    pub recommendation: Recommendation,
    /// Items below the floor.
    pub weak_items: Vec<String>,
    /// The notice to post in the car of a residential lift (Art. 32).
    pub notice_zh: String,
}

/// Grades an assessment.
pub fn assess(items: &[Item], scheme: &GradeScheme) -> Assessment {
    let mut groups = Vec::new();
    let mut score = 0.0;
    for (group, weight) in &scheme.group_weights {
        let of: Vec<&Item> = items.iter().filter(|i| i.group == *group).collect();
        let total: f64 = of.iter().map(|i| i.weight).sum();
        let g = if total > 0.0 {
            of.iter()
                .map(|i| i.score.clamp(0.0, 100.0) * i.weight)
                .sum::<f64>()
                / total
        } else {
            100.0
        };
        groups.push((*group, (g * 10.0).round() / 10.0));
        score += g * weight;
    }
    let score = (score * 10.0).round() / 10.0;
    let weak_items: Vec<String> = items
        .iter()
        .filter(|i| i.score < scheme.item_floor)
        .map(|i| format!("{}: {}", i.name, i.finding))
        .collect();
    let mut recommendation = scheme
        .bands
        .iter()
        .find(|(_, min)| score >= *min)
        .map_or(Recommendation::Replace, |(r, _)| *r);
    if !weak_items.is_empty() && recommendation == Recommendation::Continue {
        recommendation = Recommendation::Repair;
    }
    let advice = match recommendation {
        Recommendation::Continue => "可以继续使用",
        Recommendation::Repair => "需维修后继续使用",
        Recommendation::Modernise => "建议进行改造",
        Recommendation::Replace => "建议更新",
    };
    Assessment {
        groups,
        score,
        recommendation,
        notice_zh: format!("本电梯已进行安全风险评估，综合得分{score:.1}分，评估结论：{advice}。（依据《杭州市电梯安全管理条例》第三十二条公示）"),
        weak_items,
    }
}
