//! The rescue service: every transition and the invalid ones, tier escalation on timeouts,
//! merged reports, SLA warning and breach, the 2-hour escalation, idempotent retries, and a
//! proptest that no sequence of calls panics or leaves an impossible incident.

use liftspec_model::equipment::GeoPoint;
use liftspec_model::id::{CreditCode, CrewId};
use liftspec_model::record::RescueCause;
use liftspec_model::time::Timestamp;
use liftspec_protocol::usage_sign::UsageSign;
use liftspec_rescue::dispatch::CrewSite;
use liftspec_rescue::policy::RescuePolicy;
use liftspec_rescue::service::*;
use proptest::prelude::*;

const T0: i64 = 1_796_265_000_000; // 10:30 local, off-peak
const MIN: i64 = 60_000;

fn t(ms: i64) -> Timestamp {
    Timestamp::from_millis(T0 + ms)
}

fn unit(n: u8) -> CreditCode {
    ["91350100M000100Y43", "91330106MA2CFPRT8A"][usize::from(n)]
        .parse()
        .unwrap()
}

fn crew(id: &str) -> CrewId {
    id.parse().unwrap()
}

fn service(built_up: bool) -> RescueService {
    service_with(built_up, RescuePolicy::default())
}

fn service_with(built_up: bool, policy: RescuePolicy) -> RescueService {
    let lift = LiftSite {
        registration_code: "31103301062010050007".parse().unwrap(),
        rescue_code: "100072".parse().unwrap(),
        device: "HZ-1".parse().unwrap(),
        point: GeoPoint::new(30.25, 120.17).unwrap(),
        address: "上城区某路1号".into(),
        access_notes: "机房钥匙在物业值班室".into(),
        built_up,
        maintenance_unit: unit(0),
    };
    let at = |lat, lon| GeoPoint::new(lat, lon).unwrap();
    let crews = vec![
        // The lift's own unit: one near, one far.
        CrewSite {
            id: crew("OWN-NEAR"),
            unit: unit(0),
            point: at(30.26, 120.18),
        },
        CrewSite {
            id: crew("OWN-FAR"),
            unit: unit(0),
            point: at(30.40, 120.30),
        },
        // Another unit close by (tier 2, Art. 37).
        CrewSite {
            id: crew("OTHER"),
            unit: unit(1),
            point: at(30.252, 120.172),
        },
    ];
    RescueService::new(policy, vec![lift], crews)
}

fn offers(notices: &[Notice]) -> Vec<(String, u8)> {
    notices
        .iter()
        .filter_map(|n| match n {
            Notice::Offer { crew, tier, .. } => Some((crew.to_string(), *tier)),
            _ => None,
        })
        .collect()
}

#[test]
fn a_report_is_located_dispatched_accepted_rescued_and_closed_into_a_record() {
    let mut s = service(true);
    let (id, merged) = s
        .report(1, ReportBy::RescueCode("100072".into()), 2, t(0))
        .unwrap();
    assert!(!merged);
    let n = s.tick(t(0));
    assert_eq!(
        offers(&n),
        vec![("OWN-NEAR".into(), 1)],
        "the own unit's crew with the earliest arrival"
    );
    assert!(
        n.iter().any(|x| matches!(x, Notice::Command { .. })),
        "the passengers are comforted at once"
    );
    s.accept(2, &crew("OWN-NEAR"), &id, t(MIN)).unwrap();
    let status = s.status(&id, t(2 * MIN)).unwrap();
    assert_eq!(status.stage, Stage::Accepted);
    assert!(status.eta_min.is_some() && status.minutes_to_limit == Some(28));
    assert!(status.next_comfort_zh.unwrap().contains("分钟后到达"));
    s.arrive(3, &crew("OWN-NEAR"), &id, t(12 * MIN)).unwrap();
    s.release(4, &crew("OWN-NEAR"), &id, t(16 * MIN)).unwrap();
    let record = s
        .close(&id, RescueCause::EquipmentFault, t(20 * MIN))
        .unwrap();
    assert_eq!(record.arrival_minutes(), Some(12));
    assert_eq!(record.held_minutes(), Some(16));
    assert!(!record.cross_unit_dispatch && record.built_up_area && !record.false_alarm);
    assert_eq!(record.crew, Some(crew("OWN-NEAR")));
    assert_eq!(record.trapped_persons, 2);
    let audit = &s.incidents()[0].audit;
    assert!(audit[0].what.contains("Art. 30"), "{audit:?}");
    assert!(s.crew_open(&crew("OWN-NEAR")).unwrap().is_empty());
}

#[test]
fn invalid_transitions_unknown_codes_and_wrong_crews_are_typed_errors() {
    let mut s = service(true);
    assert_eq!(
        s.report(1, ReportBy::RescueCode("999990".into()), 1, t(0))
            .unwrap_err()
            .code(),
        "rescue.unknown_lift"
    );
    assert_eq!(
        s.report(2, ReportBy::SignPayload("LS1*nonsense".into()), 1, t(0))
            .unwrap_err()
            .code(),
        "rescue.bad_sign"
    );
    let (id, _) = s
        .report(
            3,
            ReportBy::Telemetry("31103301062010050007".into()),
            1,
            t(0),
        )
        .unwrap();
    s.tick(t(0));
    assert_eq!(
        s.arrive(4, &crew("OWN-NEAR"), &id, t(MIN))
            .unwrap_err()
            .code(),
        "rescue.invalid_transition"
    );
    assert_eq!(
        s.accept(5, &crew("OTHER"), &id, t(MIN)).unwrap_err().code(),
        "rescue.not_assigned"
    );
    assert_eq!(
        s.accept(6, &crew("NOBODY"), &id, t(MIN))
            .unwrap_err()
            .code(),
        "rescue.unknown_crew"
    );
    assert_eq!(
        s.close(&id, RescueCause::Unknown, t(MIN))
            .unwrap_err()
            .code(),
        "rescue.invalid_transition"
    );
    s.accept(7, &crew("OWN-NEAR"), &id, t(2 * MIN)).unwrap();
    assert_eq!(
        s.arrive(8, &crew("OWN-NEAR"), &id, t(MIN))
            .unwrap_err()
            .code(),
        "rescue.stale"
    );
    // A failed call does not burn its key: the corrected retry goes through.
    s.arrive(8, &crew("OWN-NEAR"), &id, t(3 * MIN)).unwrap();
}

#[test]
fn reports_of_the_same_entrapment_merge_and_retries_are_idempotent() {
    let mut s = service(true);
    let (a, _) = s
        .report(1, ReportBy::RescueCode("100072".into()), 1, t(0))
        .unwrap();
    let sign = UsageSign {
        registration_code: "31103301062010050007".parse().unwrap(),
        rescue_code: "100072".parse().unwrap(),
    };
    let (b, merged) = s
        .report(2, ReportBy::SignPayload(sign.encode()), 3, t(10_000))
        .unwrap();
    assert!(merged && a == b);
    assert_eq!(s.incidents().len(), 1);
    assert_eq!(s.incidents()[0].trapped_persons, 3);
    // A retried report (same key) changes nothing.
    let (c, _) = s
        .report(1, ReportBy::RescueCode("100072".into()), 1, t(20_000))
        .unwrap();
    assert_eq!(c, a);
    assert_eq!(s.incidents()[0].reports.len(), 2);
    // A key reused for another call is refused.
    assert_eq!(
        s.report(
            1,
            ReportBy::Telemetry("31103301062010050007".into()),
            9,
            t(0)
        )
        .unwrap_err()
        .code(),
        "rescue.key_reuse"
    );
    s.tick(t(30_000));
    s.accept(10, &crew("OWN-NEAR"), &a, t(MIN)).unwrap();
    s.accept(10, &crew("OWN-NEAR"), &a, t(MIN)).unwrap();
    assert_eq!(
        s.incidents()[0]
            .audit
            .iter()
            .filter(|e| e.what.contains("accepted"))
            .count(),
        1
    );
}

#[test]
fn timeouts_and_declines_escalate_tier_by_tier_to_the_fire_service() {
    let mut s = service(true);
    let (id, _) = s
        .report(1, ReportBy::RescueCode("100072".into()), 1, t(0))
        .unwrap();
    assert_eq!(offers(&s.tick(t(0))), vec![("OWN-NEAR".into(), 1)]);
    // Not accepted within 2 minutes: tier 2, another unit (Art. 37).
    assert_eq!(offers(&s.tick(t(2 * MIN - 1))), vec![]);
    assert_eq!(offers(&s.tick(t(2 * MIN))), vec![("OTHER".into(), 2)]);
    // Declined: no other unit left, so the fire service.
    s.decline(2, &crew("OTHER"), &id, t(3 * MIN)).unwrap();
    let n = s.tick(t(3 * MIN));
    assert!(
        n.iter().any(|x| matches!(x, Notice::FireService { .. })),
        "{n:?}"
    );
    assert_eq!(s.incidents()[0].tier, 3);
    assert!(!s.dispatcher().is_busy(0) && !s.dispatcher().is_busy(2));
    // With 119 called, the crew not yet asked is still offered the job at the next tick
    // (Art. 30's duty stays with the maintenance unit).
    assert_eq!(
        offers(&s.tick(t(3 * MIN + 30_000))),
        vec![("OWN-FAR".into(), 3)]
    );
    s.accept(3, &crew("OWN-FAR"), &id, t(4 * MIN)).unwrap();
    // 119 is called once.
    let later = s.tick(t(5 * MIN));
    assert!(!later
        .iter()
        .any(|x| matches!(x, Notice::FireService { .. })));
    assert_eq!(s.incidents()[0].stage, Stage::Accepted);
    // A city can turn that off: then the incident waits for the fire service alone.
    let mut s = service_with(
        true,
        RescuePolicy {
            offer_after_fire_service: false,
            ..RescuePolicy::default()
        },
    );
    let (id, _) = s
        .report(1, ReportBy::RescueCode("100072".into()), 1, t(0))
        .unwrap();
    s.tick(t(0));
    s.tick(t(2 * MIN));
    s.decline(2, &crew("OTHER"), &id, t(3 * MIN)).unwrap();
    s.tick(t(3 * MIN));
    assert_eq!(offers(&s.tick(t(3 * MIN + 30_000))), vec![]);
    assert_eq!(offers(&s.tick(t(10 * MIN))), vec![]);
}

#[test]
fn sla_warning_breach_and_the_two_hour_escalation_follow_art_30_and_64() {
    for (built_up, limit) in [(true, 30), (false, 60)] {
        let mut s = service(built_up);
        let (id, _) = s
            .report(1, ReportBy::RescueCode("100072".into()), 1, t(0))
            .unwrap();
        s.tick(t(0));
        s.accept(2, &crew("OWN-NEAR"), &id, t(MIN)).unwrap();
        let warn = |n: &[Notice]| n.iter().any(|x| matches!(x, Notice::SlaWarning { .. }));
        let breach = |n: &[Notice]| n.iter().any(|x| matches!(x, Notice::SlaBreach { .. }));
        assert!(!warn(&s.tick(t((limit - 11) * MIN))));
        assert!(warn(&s.tick(t((limit - 10) * MIN))));
        // Offered at 0, so the unit received the report at 0; 以内 includes the limit itself:
        // no breach at the limit, one a millisecond after it.
        assert!(!breach(&s.tick(t(limit * MIN - 1))));
        assert!(!breach(&s.tick(t(limit * MIN))));
        let n = s.tick(t(limit * MIN + 1));
        assert!(breach(&n));
        if let Notice::SlaBreach { source, .. } = n
            .iter()
            .find(|x| matches!(x, Notice::SlaBreach { .. }))
            .unwrap()
        {
            assert!(source.contains("Art. 30"));
        }
        let n = s.tick(t(120 * MIN));
        assert!(n
            .iter()
            .any(|x| matches!(x, Notice::AccidentEscalation { .. })));
        assert!(
            !s.tick(t(121 * MIN))
                .iter()
                .any(|x| matches!(x, Notice::AccidentEscalation { .. })),
            "once"
        );
        let _ = id;
    }
}

#[test]
fn a_false_alarm_closes_with_its_reason_and_frees_the_crew() {
    let mut s = service(true);
    let (id, _) = s
        .report(1, ReportBy::RescueCode("100072".into()), 1, t(0))
        .unwrap();
    s.tick(t(0));
    let record = s
        .false_alarm(
            &id,
            "car at a landing with the door open (EN 81-28 filter)",
            t(MIN),
        )
        .unwrap();
    assert!(record.false_alarm);
    assert!(!s.dispatcher().is_busy(0));
    assert_eq!(
        s.false_alarm(&id, "again", t(2 * MIN)).unwrap_err().code(),
        "rescue.invalid_transition"
    );
    // The lift can be reported again as a new incident.
    let (again, merged) = s
        .report(2, ReportBy::RescueCode("100072".into()), 1, t(3 * MIN))
        .unwrap();
    assert!(!merged && again != id);
}

#[test]
fn a_cancelled_report_is_recorded_with_its_reason() {
    let mut s = service(false);
    let (id, _) = s
        .report(1, ReportBy::RescueCode("100072".into()), 1, t(0))
        .unwrap();
    s.tick(t(0));
    let record = s
        .cancel(&id, "passengers got out when the door reopened", t(3 * MIN))
        .unwrap();
    assert!(record.false_alarm && !record.built_up_area);
    assert!(s.incidents()[0]
        .false_alarm_reason
        .as_deref()
        .unwrap()
        .starts_with("cancelled:"));
}

#[test]
fn crew_positions_move_crews_refresh_the_eta_and_stale_reports_are_refused() {
    let mut s = service(true);
    let lift = GeoPoint::new(30.25, 120.17).unwrap();
    // OWN-FAR's app reports it next door: it is now the best own-unit crew.
    s.crew_position(
        &crew("OWN-FAR"),
        GeoPoint::new(30.2505, 120.1705).unwrap(),
        t(0),
    )
    .unwrap();
    let (id, _) = s
        .report(1, ReportBy::RescueCode("100072".into()), 1, t(0))
        .unwrap();
    assert_eq!(offers(&s.tick(t(0))), vec![("OWN-FAR".into(), 1)]);
    s.accept(2, &crew("OWN-FAR"), &id, t(MIN)).unwrap();
    let near = s.status(&id, t(MIN)).unwrap().eta_min.unwrap();
    assert!(near < 4.0, "{near}");
    // It turns out to be stuck across town: the ETA the app and the car see follows.
    s.crew_position(
        &crew("OWN-FAR"),
        GeoPoint::new(30.35, 120.25).unwrap(),
        t(3 * MIN),
    )
    .unwrap();
    let far = s.status(&id, t(3 * MIN)).unwrap().eta_min.unwrap();
    assert!(far > 25.0, "{far}");
    // A report older than the last one is stale; an unknown crew is typed.
    let e = s
        .crew_position(&crew("OWN-FAR"), lift, t(2 * MIN))
        .unwrap_err();
    assert_eq!(e.code(), "rescue.stale");
    let e = s
        .crew_position(&crew("NOBODY"), lift, t(4 * MIN))
        .unwrap_err();
    assert_eq!(e.code(), "rescue.unknown_crew");
    // Released, the crew waits where the lift is.
    s.arrive(3, &crew("OWN-FAR"), &id, t(30 * MIN)).unwrap();
    s.release(4, &crew("OWN-FAR"), &id, t(35 * MIN)).unwrap();
    let here = &s.dispatcher().crews()[1];
    assert_eq!((here.id.as_str(), here.point), ("OWN-FAR", lift));
}

#[derive(Debug, Clone)]
enum Op {
    Report(u8),
    Tick(i64),
    Accept(u8),
    Decline(u8),
    Arrive(u8),
    Release(u8),
    Close,
    False,
    Move(u8, i8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0u8..3).prop_map(Op::Report),
        (0i64..20 * MIN).prop_map(Op::Tick),
        (0u8..3).prop_map(Op::Accept),
        (0u8..3).prop_map(Op::Decline),
        (0u8..3).prop_map(Op::Arrive),
        (0u8..3).prop_map(Op::Release),
        Just(Op::Close),
        Just(Op::False),
        (0u8..3, any::<i8>()).prop_map(|(c, d)| Op::Move(c, d)),
    ]
}

proptest! {
    /// Any sequence of calls (with retried keys) leaves every incident consistent: times in
    /// order, a crew only while dispatching or on the job, tiers 1-3, and busy crews exactly
    /// those with an open assignment.
    #[test]
    fn no_sequence_of_calls_panics_or_breaks_an_incident(ops in prop::collection::vec((op(), 0u64..40), 1..60)) {
        let mut s = service(true);
        let crews = ["OWN-NEAR", "OWN-FAR", "OTHER"];
        let mut now = 0;
        for (op, key) in ops {
            let id = s.incidents().last().map(|x| x.id.clone());
            let code = ["100072", "000000", "31103301062010050007"];
            let _ = match op {
                Op::Report(i) => s.report(key, if i == 2 { ReportBy::Telemetry(code[2].into()) } else { ReportBy::RescueCode(code[usize::from(i)].into()) }, 1, t(now)).map(|_| ()),
                Op::Tick(dt) => { now += dt; s.tick(t(now)); Ok(()) }
                Op::Accept(c) => id.map_or(Ok(()), |id| s.accept(key, &crew(crews[usize::from(c)]), &id, t(now))),
                Op::Decline(c) => id.map_or(Ok(()), |id| s.decline(key, &crew(crews[usize::from(c)]), &id, t(now))),
                Op::Arrive(c) => id.map_or(Ok(()), |id| s.arrive(key, &crew(crews[usize::from(c)]), &id, t(now))),
                Op::Release(c) => id.map_or(Ok(()), |id| s.release(key, &crew(crews[usize::from(c)]), &id, t(now))),
                Op::Close => id.map_or(Ok(()), |id| s.close(&id, RescueCause::Unknown, t(now)).map(|_| ())),
                Op::False => id.map_or(Ok(()), |id| s.false_alarm(&id, "test", t(now)).map(|_| ())),
                Op::Move(c, d) => s.crew_position(&crew(crews[usize::from(c)]), GeoPoint::new(30.25 + f64::from(d) / 1000.0, 120.17).unwrap(), t(now)),
            };
            let mut assigned = [false; 3];
            for x in s.incidents() {
                prop_assert!((1..=3).contains(&x.tier));
                let times = [Some(x.reported_at), x.accepted_at, x.arrived_at, x.released_at];
                let present: Vec<_> = times.iter().flatten().collect();
                prop_assert!(present.windows(2).all(|w| w[0] <= w[1]), "{:?}", x);
                match x.stage {
                    Stage::Accepted => prop_assert!(x.accepted_at.is_some() && x.crew.is_some()),
                    Stage::Arrived => prop_assert!(x.arrived_at.is_some()),
                    Stage::Released | Stage::Closed => prop_assert!(x.released_at.is_some()),
                    _ => {}
                }
                if matches!(x.stage, Stage::Dispatching | Stage::Accepted | Stage::Arrived) {
                    if let Some(c) = x.crew {
                        prop_assert!(!assigned[c as usize], "a crew on two open incidents");
                        assigned[c as usize] = true;
                    }
                }
            }
            let open = s.incidents().iter().filter(|x| x.stage.open()).count();
            prop_assert!(open <= 1, "one lift, at most one open incident");
            for (c, a) in assigned.iter().enumerate() {
                prop_assert_eq!(s.dispatcher().is_busy(c as u32), *a, "busy crews are exactly the assigned ones");
            }
        }
    }
}

/// Hangzhou Reg. Art. 30 counts from when the maintenance unit receives the report
/// (接到乘客被困报告后), not from the platform's first report; an arrival logged at the limit is on
/// time even if a tick at that same instant comes first; the platform's own delay is its own
/// figure.
#[test]
fn the_art_30_clock_starts_when_the_unit_receives_the_report() {
    let mut s = service(true);
    let (id, _) = s
        .report(1, ReportBy::RescueCode("100072".into()), 1, t(0))
        .unwrap();
    // The platform offers it five minutes late.
    let status = s.status(&id, t(4 * MIN)).unwrap();
    assert_eq!(status.minutes_to_limit, None, "no unit has received it yet");
    s.tick(t(5 * MIN));
    let status = s.status(&id, t(5 * MIN)).unwrap();
    assert_eq!(status.minutes_to_limit, Some(30));
    assert_eq!(status.platform_delay_min, Some(5));
    s.accept(2, &crew("OWN-NEAR"), &id, t(6 * MIN)).unwrap();
    let breach = |n: &[Notice]| n.iter().any(|x| matches!(x, Notice::SlaBreach { .. }));
    // 35 minutes after the report, 30 after the offer: the tick at that instant raises nothing,
    // and the arrival logged at the same instant is on time.
    assert!(!breach(&s.tick(t(35 * MIN))));
    s.arrive(3, &crew("OWN-NEAR"), &id, t(35 * MIN)).unwrap();
    s.release(4, &crew("OWN-NEAR"), &id, t(40 * MIN)).unwrap();
    let record = s
        .close(
            &id,
            liftspec_model::record::RescueCause::EquipmentFault,
            t(41 * MIN),
        )
        .unwrap();
    assert_eq!(record.unit_notified_at, Some(t(5 * MIN)));
    assert_eq!(record.platform_delay_ms(), Some(5 * MIN));
    assert!(record.arrived_within(&Default::default()));
    assert_eq!(record.arrival_minutes(), Some(30));
}

/// State Council Reg. Art. 64(3): held 2 hours or more, counted from when the passengers became
/// trapped (the telemetry saw the car stop before the report), the instant itself included.
#[test]
fn the_two_hours_count_from_the_entrapment_not_the_report() {
    let mut s = service(true);
    let (id, _) = s
        .report_trapped(
            1,
            ReportBy::RescueCode("100072".into()),
            1,
            None,
            Some(t(-10 * MIN)),
            t(0),
        )
        .unwrap();
    let escalated = |n: &[Notice]| {
        n.iter()
            .any(|x| matches!(x, Notice::AccidentEscalation { .. }))
    };
    s.tick(t(0));
    assert!(!escalated(&s.tick(t(110 * MIN - 1))));
    assert!(
        escalated(&s.tick(t(110 * MIN))),
        "2 h after the stop, 1 h 50 after the report"
    );
    // A later report never moves the start later; an earlier estimate moves it earlier.
    assert_eq!(s.incidents()[0].trapped_since, t(-10 * MIN));
    let _ = id;
}

/// Hangzhou Reg. Art. 20(3): the use unit organises the rescue and reports to the regulator;
/// a reminder is due when it has not reported (after liftspec's default of 60 minutes).
#[test]
fn the_use_unit_is_reminded_of_its_report_and_its_actions_are_recorded() {
    let mut s = service(true);
    let (id, _) = s
        .report(1, ReportBy::RescueCode("100072".into()), 1, t(0))
        .unwrap();
    let due = |n: &[Notice]| {
        n.iter()
            .any(|x| matches!(x, Notice::UseUnitReportDue { .. }))
    };
    s.use_unit_organised(&id, t(2 * MIN)).unwrap();
    assert!(!due(&s.tick(t(60 * MIN - 1))));
    assert!(due(&s.tick(t(60 * MIN))));
    assert!(!due(&s.tick(t(61 * MIN))), "once");
    s.regulator_reported(&id, t(62 * MIN)).unwrap();
    let x = &s.incidents()[0];
    assert_eq!(
        (x.use_unit_organised_at, x.regulator_reported_at),
        (Some(t(2 * MIN)), Some(t(62 * MIN)))
    );
}

/// A policy is data a platform loads: extreme numbers saturate, and the clocks neither panic nor
/// wrap round into a false breach or escalation.
#[test]
fn a_policy_with_extreme_numbers_saturates_instead_of_overflowing() {
    let json = format!(
        r#"{{"builtUpMin":{max},"elsewhereMin":{max},"warnBeforeMin":{max},"tier1AcceptS":{max},"tier2AcceptS":{max},"accidentAfterMin":{max},"comfortEveryMin":{max},"useUnitReportWithinMin":{max}}}"#,
        max = i64::MAX
    );
    let policy: RescuePolicy = serde_json::from_str(&json).unwrap();
    let mut s = service_with(true, policy);
    let (id, _) = s
        .report(1, ReportBy::RescueCode("100072".into()), 1, t(0))
        .unwrap();
    for at in [0, MIN, 200 * MIN, 10_000 * MIN] {
        let n = s.tick(t(at));
        assert!(
            !n.iter().any(|x| matches!(
                x,
                Notice::SlaBreach { .. }
                    | Notice::AccidentEscalation { .. }
                    | Notice::UseUnitReportDue { .. }
            )),
            "{n:?}"
        );
    }
    let status = s.status(&id, t(10_000 * MIN)).unwrap();
    assert!(status.minutes_to_limit.is_some_and(|m| m > 0));
}

#[test]
fn a_site_comes_from_the_equipment_record_and_needs_a_rescue_code() {
    use liftspec_model::equipment::Equipment;
    use liftspec_rescue::service::LiftSite;
    let mut e: Equipment = serde_json::from_str(include_str!("data/equipment.json")).unwrap();
    let device = liftspec_protocol::wire::DeviceId::parse("HZ-0000000").unwrap();
    let site = LiftSite::from_equipment(device.clone(), &e).unwrap();
    assert_eq!(site.registration_code, e.registration_code);
    assert_eq!(Some(&site.rescue_code), e.rescue_code.as_ref());
    assert_eq!(site.device, device);
    assert_eq!(site.point, e.location.point);
    assert_eq!(site.address, e.location.address);
    assert!(site.access_notes.contains("property office"));
    assert_eq!(site.built_up, e.location.built_up_area);
    assert_eq!(site.maintenance_unit, e.maintenance_unit);
    e.rescue_code = None;
    assert_eq!(LiftSite::from_equipment(device, &e), None);
}
