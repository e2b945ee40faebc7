//! The published snapshot of lift cards holds, for every lift, the card the lookup answers.

use liftspec_credit::rules::RuleSet;
use liftspec_platform::fleet::Fleet;
use liftspec_platform::supervision::{lift_card, lift_cards};
use liftspec_protocol::usage_sign::UsageSign;
use liftspec_sim::config::SimConfig;
use liftspec_sim::records::year_of_records;

#[test]
fn the_snapshot_holds_every_lifts_card_as_the_lookup_computes_it() {
    let city = liftspec_sim::city::City::generate(&SimConfig {
        lifts: 40,
        ..Default::default()
    })
    .unwrap();
    let fleet = Fleet::of_city(&city);
    let records = year_of_records(&city, 2025, 7).records;
    let duties = RuleSet::default_maintenance_unit().duties;
    let as_of = "2026-01-01".parse().unwrap();
    let snapshot = lift_cards(&fleet, &records, &duties, as_of);
    assert_eq!(snapshot.cards.len(), fleet.lifts.len());
    for (lift, card) in fleet.lifts.iter().zip(&snapshot.cards) {
        assert_eq!(card, &lift_card(lift, &records, &duties));
        let sign = UsageSign {
            registration_code: lift.equipment.registration_code.clone(),
            rescue_code: lift.equipment.rescue_code.clone().unwrap(),
        };
        assert_eq!(snapshot.scan(&sign.encode()), Ok(card));
    }
    assert!(
        snapshot.cards.iter().any(|c| c.last_maintenance.is_some()),
        "the year of records maintains lifts"
    );
}
