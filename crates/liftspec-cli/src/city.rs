//! `liftspec city`: a city end to end — simulated lifts through the platform's receive path into
//! the detectors, then a year of records rated for credit and screened for risk — with a summary
//! and a self-contained HTML report plus the same data as JSON.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use liftspec_credit::evaluate::Period;
use liftspec_credit::rules::RuleSet;
use liftspec_detect::detection::DetectedKind;
use liftspec_detect::thresholds::Thresholds;
use liftspec_model::time::Timestamp;
use liftspec_platform::fleet::Fleet;
use liftspec_platform::pipeline::{LiftDetection, Pipeline};
use liftspec_platform::supervision;
use liftspec_risk::triggers::{Counters, Policy};
use liftspec_sim::config::SimConfig;
use liftspec_sim::records::year_of_records;
use liftspec_sim::stream::Simulation;

use crate::report::{
    html, minute_index, print_summary, CityMap, CreditCard, LowCredit, MapEntrapment, Report,
    RescueSpan, RescueSummary, RiskLift, Summary, Timeline,
};
use crate::{write_atomic, Failure};
use liftspec_model::equipment::GeoPoint;

#[derive(Args)]
pub(crate) struct CityArgs {
    /// Lifts in the city.
    #[arg(long, default_value_t = 2000)]
    lifts: u32,
    /// Virtual hours to simulate.
    #[arg(long, default_value_t = 2.0)]
    hours: f64,
    /// Seed: the same seed gives the same city and results.
    #[arg(long, default_value_t = 2020)]
    seed: u64,
    /// Fault rates as a multiple of the defaults (a bad day shows more kinds).
    #[arg(long, default_value_t = 100.0)]
    fault_scale: f64,
    /// Folder for report.json, report.html and lift-cards.json (every lift's card, as a
    /// citizen's scan of its usage sign shows it).
    #[arg(long, default_value = "liftspec-report")]
    out: PathBuf,
    /// Print the summary as JSON instead of text.
    #[arg(long)]
    json: bool,
    /// Simulate a fleet that behaves as real ones do (sensor offsets, re-levelling,
    /// technicians' runs, night parking, independent service, idle and on-change reporting,
    /// heartbeats off, alarm-as-event firmware): `Realism::typical`.
    #[arg(long)]
    realistic: bool,
    /// Also write the terminals' frames (`frames.bin`, stream framing) and the installations
    /// (`installations.jsonl`) to this folder, for `liftspec detect`.
    #[arg(long)]
    record: Option<PathBuf>,
    /// Stream the terminals' frames over TCP to a running platform (`liftspec serve`) at this
    /// address instead of running the platform in process.
    #[arg(long, value_name = "HOST:PORT")]
    to: Option<String>,
    /// Connections (gateways) to stream over with `--to`; lift i uses connection i mod N.
    #[arg(long, default_value_t = 200)]
    connections: u32,
    /// With `--to`, play the city at this many times real time (1: as the terminals would send;
    /// 60: a virtual minute a second). Without it, as fast as the platform takes the frames.
    #[arg(long, value_name = "TIMES", value_parser = parse_speed)]
    speed: Option<f64>,
}

/// A playing speed: a finite number above zero.
fn parse_speed(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
        _ => Err(format!(
            "{s:?} is not a speed (a number above zero, e.g. 1 or 60)"
        )),
    }
}

/// Opens an incident for each trapped-passenger detection, dispatches it through the rescue
/// service (own unit, then another unit, then 119), and plays the crews: they accept a minute
/// after the offer, travel by the road estimate and release the passengers in five minutes.
fn rescues(
    fleet: &Fleet,
    trapped: &[(i64, u32, Option<i16>, i64)],
    end: i64,
    start: i64,
) -> Result<(RescueSummary, Vec<RescueSpan>, Vec<MapEntrapment>), Failure> {
    use liftspec_rescue::dispatch::{RoadEstimate, TravelTime};
    use liftspec_rescue::policy::RescuePolicy;
    use liftspec_rescue::service::{Notice, ReportBy, RescueService};
    let sites = fleet.sites();
    let crews = fleet.crews.clone();
    let policy = RescuePolicy::default();
    let mut service = RescueService::new(policy.clone(), sites.clone(), crews.clone());
    let road = RoadEstimate::default();
    let mut plan: Vec<(
        i64,
        u8,
        liftspec_model::id::IncidentId,
        liftspec_model::id::CrewId,
    )> = Vec::new();
    // Every call gets a fresh idempotency key (a key used for another call is refused).
    let mut key = 0u64;
    let mut next = 0;
    let mut records = Vec::new();
    // Where each incident's crew set out from, for the map.
    let mut routes: BTreeMap<liftspec_model::id::IncidentId, GeoPoint> = BTreeMap::new();
    let Some(first) = trapped.iter().map(|t| t.0).min() else {
        return Ok(Default::default());
    };
    let mut now = first;
    while now <= end + 3 * 3_600_000 {
        while next < trapped.len() && trapped[next].0 <= now {
            let (_, lift, floor, stopped) = trapped[next];
            let by = ReportBy::Telemetry(sites[lift as usize].registration_code.to_string());
            key += 1;
            // A refused report would lose an entrapment: that is a failure, not a statistic. The
            // telemetry knows when the car stopped: the two-hour rule counts from there.
            let since = Some(Timestamp::from_millis(stopped));
            service
                .report_trapped(key, by, 1, floor, since, Timestamp::from_millis(now))
                .map_err(|e| {
                    Failure(format!("rescue report for lift {lift}: {e} ({})", e.code()))
                })?;
            next += 1;
        }
        for notice in service.tick(Timestamp::from_millis(now)) {
            if let Notice::Offer { incident, crew, .. } = notice {
                plan.push((now + 60_000, 0, incident, crew));
            }
        }
        plan.sort_by_key(|p| p.0);
        while plan.first().is_some_and(|p| p.0 <= now) {
            let (at, step, incident, crew) = plan.remove(0);
            let t = Timestamp::from_millis(at);
            key += 1;
            match step {
                0 if service.accept(key, &crew, &incident, t).is_ok() => {
                    let lift = service
                        .incidents()
                        .iter()
                        .find(|x| x.id == incident)
                        .map_or(0, |x| x.lift as usize);
                    // From where the crew is: its station, or the lift it last freed.
                    let from = service.dispatcher().position_of(&crew);
                    if let Some(p) = from {
                        routes.insert(incident.clone(), p);
                    }
                    let minutes = from.map_or(30.0, |p| road.minutes(p, sites[lift].point, t));
                    plan.push((at + (minutes * 60_000.0) as i64, 1, incident, crew));
                }
                1 if service.arrive(key, &crew, &incident, t).is_ok() => {
                    plan.push((at + 5 * 60_000, 2, incident, crew));
                }
                2 if service.release(key, &crew, &incident, t).is_ok() => {
                    let record = service
                        .close(
                            &incident,
                            liftspec_model::record::RescueCause::EquipmentFault,
                            t,
                        )
                        .map_err(|e| Failure(format!("closing {incident}: {e} ({})", e.code())))?;
                    records.push(record);
                }
                _ => {}
            }
        }
        if next >= trapped.len()
            && plan.is_empty()
            && service
                .incidents()
                .iter()
                .all(|x| !x.stage.open() || x.tier == 3)
        {
            break;
        }
        now += 30_000;
    }
    let mut summary = RescueSummary::default();
    let (mut total, mut delay) = (0.0, 0.0);
    for x in service.incidents() {
        summary.incidents += 1;
        summary.cross_unit += usize::from(x.tier == 2);
        summary.fire_service += usize::from(x.tier == 3);
    }
    let minute = |t: Timestamp| t.millis_since(Timestamp::from_millis(start)) as f64 / 60_000.0;
    let mut spans = Vec::new();
    let mut entrapments = Vec::new();
    // One definition for every figure: the rescue record's, exact, from the unit's receipt,
    // against the limits the service ran with.
    for r in &records {
        let within_limit = r.arrived_within(&policy.arrival);
        summary.within_limit += usize::from(within_limit);
        delay += r.platform_delay_ms().unwrap_or(0) as f64 / 60_000.0;
        if let Some(ms) = r.arrival_ms() {
            let minutes = ms as f64 / 60_000.0;
            total += minutes;
            let bin = match minutes as u32 {
                0..=9 => "a: under 10 min",
                10..=19 => "b: 10-20 min",
                20..=29 => "c: 20-30 min (built-up limit)",
                30..=59 => "d: 30-60 min (limit elsewhere)",
                _ => "e: over 60 min",
            };
            *summary.arrival_minutes.entry(bin.into()).or_default() += 1;
        }
        // The timeline's bar and the map's cross, where the lift is known.
        let Some(site) = sites.iter().find(|s| s.registration_code == r.lift) else {
            continue;
        };
        spans.push(RescueSpan {
            lift: r.lift.to_string(),
            reported_min: minute(r.reported_at),
            notified_min: minute(r.clock_start()),
            arrived_min: r.arrived_at.map(minute),
            released_min: r.released_at.map(minute),
            limit_min: policy.arrival.limit_ms(r.built_up_area) as f64 / 60_000.0,
            within_limit,
        });
        entrapments.push(MapEntrapment {
            lift: r.lift.to_string(),
            lat: site.point.lat(),
            lon: site.point.lon(),
            crew_from: routes.get(&r.incident).map(|p| (p.lat(), p.lon())),
            within_limit,
        });
    }
    // Entrapments no crew closed (handed to the fire service, or still open at the end).
    for x in service.incidents() {
        if records.iter().any(|r| r.incident == x.id) {
            continue;
        }
        if let Some(site) = sites.get(x.lift as usize) {
            entrapments.push(MapEntrapment {
                lift: site.registration_code.to_string(),
                lat: site.point.lat(),
                lon: site.point.lon(),
                crew_from: routes.get(&x.id).map(|p| (p.lat(), p.lon())),
                within_limit: false,
            });
        }
    }
    spans.sort_by(|a, b| a.reported_min.total_cmp(&b.reported_min));
    let arrived: u32 = summary.arrival_minutes.values().sum();
    summary.mean_arrival_min = if arrived > 0 {
        total / f64::from(arrived)
    } else {
        0.0
    };
    summary.mean_platform_delay_min = if records.is_empty() {
        0.0
    } else {
        delay / records.len() as f64
    };
    Ok((summary, spans, entrapments))
}

pub(crate) fn run(args: CityArgs) -> Result<ExitCode, Failure> {
    if !(args.hours > 0.0 && args.hours <= 24.0 * 30.0) {
        return Err(Failure(format!(
            "--hours: {} is outside (0, 720]",
            args.hours
        )));
    }
    let d = SimConfig::default();
    let config = SimConfig {
        seed: args.seed,
        lifts: args.lifts,
        duration_s: (args.hours * 3600.0) as u64,
        faults: d.faults.scaled(args.fault_scale),
        realism: args.realistic.then(liftspec_sim::config::Realism::typical),
        ..d
    };
    config
        .validate()
        .map_err(|e| Failure(format!("{e} ({})", e.code())))?;
    let started = Instant::now();
    eprintln!(
        "[1/4] simulating {} lifts for {} h …",
        args.lifts, args.hours
    );
    let mut sim =
        Simulation::new(config.clone()).map_err(|e| Failure(format!("{e} ({})", e.code())))?;
    if let Some(addr) = &args.to {
        return crate::stream_to::run(sim, addr, args.connections, args.speed);
    }
    let city = sim.city().clone();
    let fleet = Fleet::of_city(&city);
    let mut recorder = match &args.record {
        Some(dir) => Some(Recorder::create(dir, &fleet)?),
        None => None,
    };
    let mut pipeline = Pipeline::new(&fleet, Thresholds::default());
    let mut detections: BTreeMap<String, u32> = BTreeMap::new();
    let mut detected_lifts: BTreeMap<u32, Vec<i64>> = BTreeMap::new();
    let (mut frames, mut rejected) = (0u64, 0u64);
    let mut trapped: Vec<(i64, u32, Option<i16>, i64)> = Vec::new();
    let start = config.start.millis();
    let last_minute = usize::try_from(config.duration_s / 60).unwrap_or(usize::MAX);
    let minute_of = |at: i64| minute_index(at, start, last_minute);
    let mut timeline = Timeline::default();
    let per_minute = &mut timeline.detections_per_minute;
    let mut found = |found: Vec<LiftDetection>| {
        for x in found {
            let d = &x.detection;
            if !d.raised || d.kind == DetectedKind::ClockDrift {
                continue;
            }
            *detections.entry(format!("{:?}", d.kind)).or_default() += 1;
            let m = minute_of(d.detected_at.millis());
            if per_minute.len() <= m {
                per_minute.resize(m + 1, 0);
            }
            per_minute[m] += 1;
            detected_lifts
                .entry(x.lift)
                .or_default()
                .push(d.detected_at.millis());
            if x.is_entrapment() {
                trapped.push((d.detected_at.millis(), x.lift, d.floor, d.at.millis()));
            }
        }
    };
    let mut last_at = config.start;
    let mut frames_per_minute: Vec<u64> = Vec::new();
    let progress = bar(config.duration_s, "simulated seconds");
    for frame in sim.by_ref() {
        frames += 1;
        if let Some(r) = recorder.as_mut() {
            r.frame(&frame.bytes)?;
        }
        if frames % 50_000 == 0 {
            progress
                .set_position(((frame.at.millis() - config.start.millis()) / 1000).max(0) as u64);
        }
        last_at = frame.at;
        let m = minute_of(frame.at.millis());
        if frames_per_minute.len() <= m {
            frames_per_minute.resize(m + 1, 0);
        }
        frames_per_minute[m] += 1;
        let taken = pipeline.ingest(&frame.bytes, frame.at);
        rejected += u64::from(taken.rejected || taken.refused.is_some());
        found(taken.detections);
    }
    // The ticks through the last frame's time, for the lifts that went quiet before it.
    found(pipeline.tick_all(last_at));
    // Detections come per lift; the rescue service takes them in time order.
    trapped.sort_by_key(|t| (t.0, t.1));
    let counters: Vec<Option<Counters>> = (0..fleet.lifts.len() as u32)
        .map(|i| pipeline.state(i).and_then(|s| s.counters))
        .collect();
    progress.finish_and_clear();
    let elapsed = started.elapsed().as_secs_f64();
    let truth = sim.take_ground_truth();
    let mut injected: BTreeMap<String, u32> = BTreeMap::new();
    let mut found = 0;
    let end = config.start.millis() + config.duration_s as i64 * 1000;
    let mut counted = 0;
    for t in &truth {
        *injected.entry(format!("{:?}", t.kind)).or_default() += 1;
        if t.start.millis() > end - 15 * 60_000 {
            continue; // too late in the run to be detectable
        }
        counted += 1;
        let hi = t.end.map_or(end, |e| e.millis()) + 180_000;
        if detected_lifts.get(&t.lift).is_some_and(|ds| {
            ds.iter()
                .any(|d| (t.start.millis() - 1000..=hi).contains(d))
        }) {
            found += 1;
        }
    }

    let (rescue, spans, entrapments) = rescues(&fleet, &trapped, end, start)?;
    timeline.frames_per_minute = frames_per_minute;
    timeline.rescues = spans;

    eprintln!("[2/4] a year of records …");
    let year = year_of_records(&city, 2025, args.seed);
    if let Some(r) = recorder.take() {
        r.finish(&year.records)?;
    }
    eprintln!(
        "[3/4] credit of {} maintenance units …",
        city.maintenance_units.len()
    );
    let period = Period::year(2025).map_err(|e| Failure(format!("{e} ({})", e.code())))?;
    let evaluations = supervision::evaluate_units(
        &fleet,
        &RuleSet::default_maintenance_unit(),
        &year.records,
        &period,
    );
    let mut grades: BTreeMap<String, u32> = BTreeMap::new();
    for e in &evaluations {
        *grades.entry(e.grade.clone()).or_default() += 1;
    }
    let lowest = LowCredit::lowest(&evaluations, 5);
    let credit_cards = evaluations
        .iter()
        .map(|e| CreditCard::of(e, &fleet))
        .collect();

    eprintln!("[4/4] risk screening …");
    let today = config.start.local_date().unwrap_or_default();
    let screened =
        supervision::screen_lifts(&fleet, &counters, &year.records, &Policy::hangzhou(), today)
            .map_err(|e| Failure(e.to_string()))?;
    let (risk_triggered, top_risk) = RiskLift::most_triggered(&fleet, &screened, 10);
    let map = CityMap::of_run(&city, &fleet, &screened, entrapments);
    let summary = Summary {
        seed: args.seed,
        lifts: city.lifts.len(),
        buildings: city.buildings.len(),
        maintenance_units: city.maintenance_units.len(),
        virtual_hours: args.hours,
        frames,
        frames_per_second: frames as f64 / elapsed,
        rejected_frames: rejected,
        faults_injected: injected,
        detections,
        injected_faults_detected_percent: 100.0 * f64::from(found) / f64::from(counted.max(1)),
        credit_grades: grades,
        lowest_credit: lowest,
        risk_triggered,
        top_risk,
        rescue,
    };
    std::fs::create_dir_all(&args.out)
        .map_err(|e| Failure(format!("{}: {e}", args.out.display())))?;
    let summary_json = serde_json::to_string_pretty(&summary)? + "\n";
    let report = Report {
        summary,
        map,
        timeline,
        credit_cards,
    };
    write_atomic(
        &args.out.join("report.json"),
        (serde_json::to_string(&report)? + "\n").as_bytes(),
    )?;
    write_atomic(&args.out.join("report.html"), html(&report).as_bytes())?;
    // The lift cards a citizen's scan of a usage sign opens (liftspec_api::card), as a
    // platform would publish them for pages.
    let cards = supervision::lift_cards(
        &fleet,
        &year.records,
        &RuleSet::default_maintenance_unit().duties,
        today,
    );
    write_atomic(
        &args.out.join("lift-cards.json"),
        (serde_json::to_string(&cards)? + "\n").as_bytes(),
    )?;
    if args.json {
        print!("{summary_json}");
    } else {
        print_summary(&report.summary, elapsed);
        println!("Report: {}", args.out.join("report.html").display());
    }
    Ok(ExitCode::SUCCESS)
}

/// A progress bar on standard error when it is a terminal; otherwise nothing is drawn.
fn bar(len: u64, unit: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) = indicatif::ProgressStyle::with_template(&format!(
        "{{bar:40}} {{pos}}/{{len}} {unit} ({{elapsed}})"
    )) {
        bar.set_style(style);
    }
    bar
}

/// Writes the terminals' frames, the installations (for `liftspec detect`) and the fleet (for
/// `liftspec serve`).
struct Recorder {
    dir: PathBuf,
    frames: std::io::BufWriter<std::fs::File>,
}

impl Recorder {
    fn create(dir: &std::path::Path, fleet: &Fleet) -> Result<Self, Failure> {
        std::fs::create_dir_all(dir).map_err(|e| Failure(format!("{}: {e}", dir.display())))?;
        write_atomic(
            &dir.join("fleet.json"),
            (serde_json::to_string(fleet)? + "\n").as_bytes(),
        )?;
        // A configuration for `liftspec serve` over this city, on the frames' clock (the
        // simulation runs faster than real time).
        let config = liftspec_platform::config::ConfigFile {
            records: Some("records.jsonl".into()),
            database: "platform.db".into(),
            clock: liftspec_platform::config::Clock::Frames,
            ..liftspec_platform::config::ConfigFile::new("fleet.json")
        };
        write_atomic(
            &dir.join("platform.json"),
            (serde_json::to_string_pretty(&config)? + "\n").as_bytes(),
        )?;
        let mut lines = String::new();
        for l in &fleet.lifts {
            let installation = liftspec_detect::replay::Installation::from_equipment(
                l.device.clone(),
                &l.equipment,
            );
            lines.push_str(&serde_json::to_string(&installation)?);
            lines.push('\n');
        }
        write_atomic(&dir.join("installations.jsonl"), lines.as_bytes())?;
        let path = dir.join("frames.bin");
        let file = std::fs::File::create(&path)
            .map_err(|e| Failure(format!("{}: {e}", path.display())))?;
        let mut frames = std::io::BufWriter::new(file);
        std::io::Write::write_all(&mut frames, &[0])?;
        Ok(Self {
            dir: dir.to_owned(),
            frames,
        })
    }

    fn frame(&mut self, bytes: &[u8]) -> Result<(), Failure> {
        std::io::Write::write_all(
            &mut self.frames,
            &liftspec_protocol::framing::frame_for_stream(bytes),
        )?;
        Ok(())
    }

    /// Flushes the frames: a write that failed is an error, not a short file.
    /// Flushes the frames and writes the year of `records` (for `liftspec serve`).
    fn finish(mut self, records: &[liftspec_model::record::Record]) -> Result<(), Failure> {
        std::io::Write::flush(&mut self.frames)?;
        let mut lines = String::new();
        for r in records {
            lines.push_str(&serde_json::to_string(r)?);
            lines.push('\n');
        }
        write_atomic(&self.dir.join("records.jsonl"), lines.as_bytes())
    }
}
