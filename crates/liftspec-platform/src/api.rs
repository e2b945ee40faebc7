//! The HTTP API (`docs/openapi.json` describes it): rescue for the apps, lookups and reports
//! for citizens, and the supervisor's views. Every write takes an `Idempotency-Key` header and
//! is committed before it is answered; a repeat with the same key and request gets the same
//! answer. Every bad request is a 4xx with a stable `code`; a 5xx means the platform itself
//! failed.

use std::collections::HashMap;
use std::convert::Infallible;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use futures_util::stream::Stream;
use liftspec_api::citizen::{
    ComplaintRequest, ComplaintSubject, FaultReportRequest, RescueReportRequest,
};
use liftspec_api::request::IdempotencyKey;
use liftspec_model::codes::{EventCode, HandlingStatus};
use liftspec_model::equipment::GeoPoint;
use liftspec_model::id::{CreditCode, CrewId, IncidentId, RecordId};
use liftspec_model::record::{ComplaintRecord, FaultRecord, FaultSource, Record, RescueCause};
use liftspec_protocol::usage_sign::UsageSign;
use liftspec_rescue::service::RescueError;
use serde::de::DeserializeOwned;
use tokio::sync::oneshot;

use crate::engine::{Done, Engine};
use crate::handle::{wall, Handle, Msg};
use crate::rescue_log::{RescueCall, RescueOutcome};
use crate::store::StoredDetection;
use crate::supervision;

/// An error answer: the status and a stable code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The stable code (`api.bad_json`, `rescue.invalid_transition`, …).
    pub code: String,
    /// What is wrong.
    pub message: String,
}

impl ApiError {
    fn new(status: StatusCode, code: impl Into<String>, message: impl std::fmt::Display) -> Self {
        Self {
            status,
            code: code.into(),
            message: message.to_string(),
        }
    }

    fn bad(code: &str, message: impl std::fmt::Display) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    fn not_found(code: &str, message: impl std::fmt::Display) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, message)
    }

    fn unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "api.unavailable",
            "the platform is stopping",
        )
    }

    fn body(&self) -> String {
        serde_json::json!({"code": self.code, "message": self.message}).to_string()
    }
}

impl From<RescueError> for ApiError {
    fn from(e: RescueError) -> Self {
        let status = match e {
            RescueError::UnknownLift(_)
            | RescueError::UnknownIncident(_)
            | RescueError::UnknownCrew(_) => StatusCode::NOT_FOUND,
            RescueError::BadSign(_) => StatusCode::BAD_REQUEST,
            RescueError::KeyReuse(_) => StatusCode::UNPROCESSABLE_ENTITY,
            _ => StatusCode::CONFLICT,
        };
        Self::new(status, e.code(), &e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(self.status, self.body())
    }
}

fn json_response(status: StatusCode, body: String) -> Response {
    (
        status,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

fn ok<T: serde::Serialize>(value: &T) -> Result<Response, ApiError> {
    let body = serde_json::to_string(value)
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "api.encode", e))?;
    Ok(json_response(StatusCode::OK, body))
}

fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::bad("api.bad_json", e))
}

impl Handle {
    async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Engine) -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(Msg::Read(Box::new(move |e| {
                let _ = tx.send(f(e));
            })))
            .await
            .map_err(|_| ApiError::unavailable())?;
        rx.await.map_err(|_| ApiError::unavailable())
    }

    /// A write under the request's idempotency key: `f` answers (status, JSON body).
    async fn write(
        &self,
        headers: &HeaderMap,
        request: String,
        f: impl FnOnce(&mut crate::engine::Writer<'_>) -> Result<(u16, String), ApiError>
            + Send
            + 'static,
    ) -> Result<Response, ApiError> {
        let key = idempotency_key(headers)?;
        let (tx, rx) = oneshot::channel();
        self.tx
            .send(Msg::Write(Box::new(move |engine| {
                let result = engine.write(&key, &request, wall(), |w| match f(w) {
                    Ok(answer) => answer,
                    Err(e) => (e.status.as_u16(), e.body()),
                });
                match result {
                    Ok(written) => {
                        let _ = tx.send(Ok(written.answer));
                        written.done
                    }
                    Err(e) => {
                        let _ = tx.send(Err(ApiError::new(
                            StatusCode::INTERNAL_SERVER_ERROR,
                            e.code(),
                            &e,
                        )));
                        Done::default()
                    }
                }
            })))
            .await
            .map_err(|_| ApiError::unavailable())?;
        match rx.await.map_err(|_| ApiError::unavailable())?? {
            Some((status, body)) => Ok(json_response(
                StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
                body,
            )),
            None => Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "api.idempotency_key_reused",
                "this Idempotency-Key was used for another request",
            )),
        }
    }
}

/// The `Idempotency-Key` header: 1–128 visible ASCII characters.
fn idempotency_key(headers: &HeaderMap) -> Result<String, ApiError> {
    let key = headers
        .get("idempotency-key")
        .ok_or_else(|| {
            ApiError::bad(
                "api.idempotency_key_missing",
                "every write needs an Idempotency-Key header",
            )
        })?
        .to_str()
        .map_err(|_| ApiError::bad("api.idempotency_key_invalid", "not visible ASCII"))?;
    IdempotencyKey::parse(key)
        .map(|k| k.as_str().to_owned())
        .map_err(|e| ApiError::bad(e.code(), &e))
}

fn fingerprint(method: &Method, path: &str, body: &[u8]) -> String {
    format!("{method} {path} {}", String::from_utf8_lossy(body))
}

/// The router.
pub fn router(handle: Handle) -> Router {
    Router::new()
        .route("/v1/stats", get(stats))
        .route("/v1/rescue/reports", post(report))
        .route("/v1/rescue/incidents", get(incidents))
        .route("/v1/rescue/incidents/{id}", get(incident_status))
        .route("/v1/rescue/incidents/{id}/{action}", post(crew_action))
        .route("/v1/rescue/crews/{crew}/position", post(crew_position))
        .route("/v1/rescue/crews/{crew}/incidents", get(crew_incidents))
        .route("/v1/lifts/lookup", get(lookup))
        .route("/v1/lifts/{code}/faults", post(report_fault))
        .route("/v1/lifts/{code}/risk", get(risk))
        .route("/v1/complaints", post(complaint))
        .route("/v1/detections", get(detections))
        .route("/v1/detections/stream", get(detection_stream))
        .route("/v1/units/{code}/credit", get(credit))
        .route("/v1/districts/early-warning", get(early_warning))
        .fallback(|| async {
            ApiError::not_found("api.not_found", "no such endpoint").into_response()
        })
        .with_state(handle)
}

async fn stats(State(h): State<Handle>) -> Result<Response, ApiError> {
    let s = h.stats.lock().unwrap_or_else(|p| p.into_inner()).clone();
    ok(&s)
}

async fn report(
    State(h): State<Handle>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: RescueReportRequest = parse(&body)?;
    // A mistyped or tampered sign is the citizen's error, with its position.
    let by = b.check().map_err(|e| ApiError::bad(e.code(), &e))?;
    let request = fingerprint(&method, "/v1/rescue/reports", &body);
    h.write(&headers, request, move |w| {
        let outcome = w.rescue(RescueCall::Report {
            by,
            persons: b.persons,
            floor: b.floor,
            since: None,
        })?;
        Ok((201, serde_json::to_string(&outcome).unwrap_or_default()))
    })
    .await
}

async fn incidents(
    State(h): State<Handle>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let open_only = match q.get("open").map(String::as_str) {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => return Err(ApiError::bad("api.bad_query", format!("open={other}"))),
    };
    let snapshot = h.rescue.borrow().clone();
    let views: Vec<_> = snapshot
        .incidents
        .iter()
        .filter(|v| !open_only || v.status.stage.open())
        .collect();
    ok(&views)
}

fn incident_id(id: &str) -> Result<IncidentId, ApiError> {
    IncidentId::parse(id).map_err(|e| ApiError::bad(e.code(), &e))
}

fn crew_id(id: &str) -> Result<CrewId, ApiError> {
    CrewId::parse(id).map_err(|e| ApiError::bad(e.code(), &e))
}

async fn incident_status(
    State(h): State<Handle>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = incident_id(&id)?;
    let snapshot = h.rescue.borrow().clone();
    match snapshot.incident(id.as_str()) {
        Some(v) => ok(v),
        None => Err(RescueError::UnknownIncident(id.to_string()).into()),
    }
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CrewBody {
    crew: Option<String>,
    cause: Option<RescueCause>,
}

async fn crew_action(
    State(h): State<Handle>,
    Path((id, action)): Path<(String, String)>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let incident = incident_id(&id)?;
    let b: CrewBody = parse(&body)?;
    let crew = || {
        crew_id(
            b.crew
                .as_deref()
                .ok_or_else(|| ApiError::bad("api.crew_missing", "crew is required"))?,
        )
    };
    let call = match action.as_str() {
        "accept" => RescueCall::Accept {
            crew: crew()?,
            incident,
        },
        "decline" => RescueCall::Decline {
            crew: crew()?,
            incident,
        },
        "arrive" => RescueCall::Arrive {
            crew: crew()?,
            incident,
        },
        "release" => RescueCall::Release {
            crew: crew()?,
            incident,
        },
        "close" => RescueCall::Close {
            incident,
            cause: b
                .cause
                .ok_or_else(|| ApiError::bad("api.cause_missing", "cause is required"))?,
        },
        other => {
            return Err(ApiError::not_found(
                "api.not_found",
                format!("no action {other}"),
            ))
        }
    };
    let request = fingerprint(
        &method,
        &format!("/v1/rescue/incidents/{id}/{action}"),
        &body,
    );
    h.write(&headers, request, move |w| {
        let outcome = w.rescue(call)?;
        let body = match outcome {
            RescueOutcome::Closed { record } => serde_json::to_string(&record),
            other => serde_json::to_string(&other),
        };
        Ok((200, body.unwrap_or_default()))
    })
    .await
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PositionBody {
    lat: f64,
    lon: f64,
}

async fn crew_position(
    State(h): State<Handle>,
    Path(crew): Path<String>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let crew_id = crew_id(&crew)?;
    let b: PositionBody = parse(&body)?;
    let point = GeoPoint::new(b.lat, b.lon).map_err(|e| ApiError::bad(e.code(), e))?;
    let request = fingerprint(&method, &format!("/v1/rescue/crews/{crew}/position"), &body);
    h.write(&headers, request, move |w| {
        w.rescue(RescueCall::Position {
            crew: crew_id,
            point,
        })?;
        Ok((200, "{\"outcome\":\"done\"}".into()))
    })
    .await
}

async fn crew_incidents(
    State(h): State<Handle>,
    Path(crew): Path<String>,
) -> Result<Response, ApiError> {
    let crew = crew_id(&crew)?;
    let known = h
        .read({
            let crew = crew.clone();
            move |e| e.rescue().dispatcher().index_of(&crew).is_some()
        })
        .await?;
    if !known {
        return Err(RescueError::UnknownCrew(crew.to_string()).into());
    }
    let snapshot = h.rescue.borrow().clone();
    ok(&snapshot
        .crew_open
        .get(crew.as_str())
        .cloned()
        .unwrap_or_default())
}

async fn lookup(
    State(h): State<Handle>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let payload = q
        .get("sign")
        .ok_or_else(|| ApiError::bad("api.sign_missing", "give the sign's payload as ?sign="))?;
    let sign = UsageSign::decode(payload).map_err(|e| ApiError::bad(e.code(), &e))?;
    let card = h
        .read(move |e| {
            let fleet = &e.setup().fleet;
            let lift = fleet
                .lifts
                .iter()
                .find(|l| l.equipment.registration_code == sign.registration_code)?;
            let records = e
                .store()
                .records(Some(sign.registration_code.as_str()))
                .ok()?;
            Some(supervision::lift_card(
                lift,
                &records,
                &e.setup().credit_rules.duties,
            ))
        })
        .await?
        .ok_or_else(|| ApiError::not_found("api.unknown_lift", "no lift with this sign"))?;
    ok(&card)
}

async fn report_fault(
    State(h): State<Handle>,
    Path(code): Path<String>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: FaultReportRequest = parse(&body)?;
    let lift = liftspec_model::id::RegistrationCode::parse(&code)
        .map_err(|e| ApiError::bad(e.code(), &e))?;
    let request = fingerprint(&method, &format!("/v1/lifts/{code}/faults"), &body);
    h.write(&headers, request, move |w| {
        if !w
            .engine()
            .setup()
            .fleet
            .lifts
            .iter()
            .any(|l| l.equipment.registration_code == lift)
        {
            return Err(ApiError::not_found(
                "api.unknown_lift",
                format!("no lift {lift}"),
            ));
        }
        let record = FaultRecord {
            id: record_id(w, "fault")?,
            lift,
            code: EventCode::from_number(b.code),
            floor: b.floor,
            raised_at: w.now(),
            cleared_at: None,
            handling: HandlingStatus::Raised,
            source: FaultSource::Report,
            written_notice_at: None,
        };
        let body = serde_json::to_string(&record).unwrap_or_default();
        w.record(Record::Fault(record));
        Ok((201, body))
    })
    .await
}

fn record_id(w: &crate::engine::Writer<'_>, kind: &str) -> Result<RecordId, ApiError> {
    let n = w
        .engine()
        .store()
        .record_count()
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.code(), &e))?;
    RecordId::parse(&format!("api-{kind}-{}-{}", w.engine().boot(), n + 1))
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.code(), &e))
}

async fn complaint(
    State(h): State<Handle>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let b: ComplaintRequest = parse(&body)?;
    let ComplaintSubject { lift, against } = b.check().map_err(|e| ApiError::bad(e.code(), &e))?;
    let request = fingerprint(&method, "/v1/complaints", &body);
    h.write(&headers, request, move |w| {
        let fleet_lift = match &lift {
            Some(code) => Some(
                w.engine()
                    .setup()
                    .fleet
                    .lifts
                    .iter()
                    .find(|l| &l.equipment.registration_code == code)
                    .ok_or_else(|| {
                        ApiError::not_found("api.unknown_lift", format!("no lift {code}"))
                    })?,
            ),
            None => None,
        };
        // Against the lift's maintenance unit when the citizen names only the lift.
        let against = match (against, fleet_lift) {
            (Some(a), _) => a,
            (None, Some(l)) => l.equipment.maintenance_unit.clone(),
            (None, None) => {
                return Err(ApiError::bad(
                    "api.complaint_subject",
                    "name the lift, the unit complained against, or both",
                ))
            }
        };
        let record = ComplaintRecord {
            id: record_id(w, "complaint")?,
            lift,
            against,
            received_at: w.now(),
            category: b.category,
            substantiated: None,
            complainant: None,
        };
        let body = serde_json::to_string(&record).unwrap_or_default();
        w.record(Record::Complaint(record));
        Ok((201, body))
    })
    .await
}

fn query_i64(q: &HashMap<String, String>, name: &str) -> Result<Option<i64>, ApiError> {
    q.get(name)
        .map(|v| {
            v.parse::<i64>()
                .map_err(|_| ApiError::bad("api.bad_query", format!("{name}={v} is not a number")))
        })
        .transpose()
}

async fn detections(
    State(h): State<Handle>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let after = query_i64(&q, "after")?.unwrap_or(0);
    let limit = query_i64(&q, "limit")?.unwrap_or(1000);
    if !(1..=10_000).contains(&limit) {
        return Err(ApiError::bad("api.bad_query", "limit is 1 to 10000"));
    }
    let device = q.get("device").cloned();
    let kind = q.get("kind").cloned();
    let found = h
        .read(move |e| {
            e.store()
                .detections(after, device.as_deref(), kind.as_deref(), limit as u32)
        })
        .await?
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.code(), &e))?;
    ok(&found)
}

/// Server-Sent Events: every detection as it is committed (`id` is its number, so a client
/// that reconnects with `?after=` or `Last-Event-ID` gets the ones it missed from the store
/// first).
async fn detection_stream(
    State(h): State<Handle>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let last = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.parse::<i64>()
                .map_err(|_| ApiError::bad("api.bad_last_event_id", "Last-Event-ID is a number"))
        })
        .transpose()?;
    let after = match last {
        Some(l) => Some(l),
        None => query_i64(&q, "after")?,
    };
    // Subscribe first, then read the backlog, so nothing falls between the two.
    let mut live = h.detections.subscribe();
    let backlog = match after {
        Some(after) => h
            .read(move |e| e.store().detections(after, None, None, 10_000))
            .await?
            .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.code(), &e))?,
        None => Vec::new(),
    };
    let mut seen = backlog.last().map_or(after.unwrap_or(0), |d| d.id);
    let event = |d: &StoredDetection| {
        Event::default()
            .id(d.id.to_string())
            .event("detection")
            .data(serde_json::to_string(d).unwrap_or_default())
    };
    let stream = async_stream(move |tx| async move {
        for d in &backlog {
            if tx.send(Ok(event(d))).await.is_err() {
                return;
            }
        }
        loop {
            match live.recv().await {
                Ok(d) if d.id > seen => {
                    seen = d.id;
                    if tx.send(Ok(event(&d))).await.is_err() {
                        return;
                    }
                }
                Ok(_) => {}
                Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                    // Said, not hidden: the client re-reads from `seen` with ?after=.
                    let lagged = Event::default()
                        .event("lagged")
                        .data(format!("{{\"missed\":{n},\"after\":{seen}}}"));
                    if tx.send(Ok(lagged)).await.is_err() {
                        return;
                    }
                }
                Err(_) => return,
            }
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// A stream fed by a task through a channel.
fn async_stream<F, Fut>(f: F) -> impl Stream<Item = Result<Event, Infallible>>
where
    F: FnOnce(tokio::sync::mpsc::Sender<Result<Event, Infallible>>) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let (tx, rx) = tokio::sync::mpsc::channel(256);
    tokio::spawn(f(tx));
    tokio_stream::wrappers::ReceiverStream::new(rx)
}

async fn credit(
    State(h): State<Handle>,
    Path(code): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let unit = CreditCode::parse(&code).map_err(|e| ApiError::bad(e.code(), &e))?;
    let year = query_i64(&q, "year")?.unwrap_or(2025);
    let year = i32::try_from(year).map_err(|_| ApiError::bad("api.bad_query", "year"))?;
    let period =
        liftspec_credit::evaluate::Period::year(year).map_err(|e| ApiError::bad(e.code(), e))?;
    let found = h
        .read(move |e| {
            let fleet = &e.setup().fleet;
            if !fleet.units.iter().any(|u| u.credit_code == unit) {
                return Ok(None);
            }
            let records = e.store().records(None)?;
            Ok(
                supervision::evaluate_units(fleet, &e.setup().credit_rules, &records, &period)
                    .into_iter()
                    .find(|x| x.unit == unit),
            )
        })
        .await?
        .map_err(|e: crate::store::StoreError| {
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.code(), &e)
        })?
        .ok_or_else(|| ApiError::not_found("api.unknown_unit", format!("no unit {code}")))?;
    ok(&found)
}

fn query_date(
    q: &HashMap<String, String>,
    name: &str,
) -> Result<Option<chrono::NaiveDate>, ApiError> {
    q.get(name)
        .map(|v| {
            chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| {
                ApiError::bad("api.bad_query", format!("{name}={v} is not YYYY-MM-DD"))
            })
        })
        .transpose()
}

async fn risk(
    State(h): State<Handle>,
    Path(code): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let reg = liftspec_model::id::RegistrationCode::parse(&code)
        .map_err(|e| ApiError::bad(e.code(), &e))?;
    let on = query_date(&q, "on")?;
    let found = h
        .read(move |e| {
            let fleet = &e.setup().fleet;
            let i = fleet
                .lifts
                .iter()
                .position(|l| l.equipment.registration_code == reg)
                .ok_or_else(|| ApiError::not_found("api.unknown_lift", format!("no lift {reg}")))?;
            let today = match on {
                Some(d) => d,
                None => e
                    .now(wall())
                    .local_date()
                    .map_err(|x| ApiError::bad("api.bad_clock", x))?,
            };
            let records = e
                .store()
                .records(Some(reg.as_str()))
                .map_err(|x| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, x.code(), &x))?;
            let counters = e.pipeline().state(i as u32).and_then(|s| s.counters);
            let one = crate::fleet::Fleet {
                lifts: vec![fleet.lifts[i].clone()],
                ..Default::default()
            };
            let triggers = supervision::screen_lifts(
                &one,
                &[counters],
                &records,
                &e.setup().risk_policy,
                today,
            )
            .map_err(|x| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, x.code(), &x))?;
            Ok::<_, ApiError>(serde_json::json!({
                "registrationCode": reg.as_str(),
                "on": today,
                "policy": e.setup().risk_policy.id,
                "triggers": triggers.into_iter().next().unwrap_or_default(),
            }))
        })
        .await??;
    ok(&found)
}

async fn early_warning(
    State(h): State<Handle>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let on = query_date(&q, "on")?;
    let top = query_i64(&q, "top")?.unwrap_or(10);
    if !(1..=1000).contains(&top) {
        return Err(ApiError::bad("api.bad_query", "top is 1 to 1000"));
    }
    let ranking = h
        .read(move |e| {
            let today = match on {
                Some(d) => d,
                None => e
                    .now(wall())
                    .local_date()
                    .map_err(|x| ApiError::bad("api.bad_clock", x))?,
            };
            let internal = |x: crate::store::StoreError| {
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, x.code(), &x)
            };
            let fleet = &e.setup().fleet;
            let records = e.store().records(None).map_err(internal)?;
            let detections = e.store().detections(0, None, None, u32::MAX).map_err(internal)?;
            let counters: Vec<_> = (0..fleet.lifts.len() as u32)
                .map(|i| e.pipeline().state(i).and_then(|s| s.counters))
                .collect();
            let ranking = supervision::district_ranking(
                fleet,
                &counters,
                &records,
                &detections,
                &e.setup().risk_policy,
                today,
                top as usize,
            )
            .map_err(|x| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, x.code(), &x))?;
            Ok::<_, ApiError>(serde_json::json!({
                "on": today,
                "source": "Hangzhou Reg. Art. 35 (collect, count and analyse fault data; publish early warnings); score: 3 per Art. 32 shall-trigger, 2 per may-trigger, plus faults in the last 12 months (liftspec default)",
                "districts": ranking.into_iter().map(|(district, lifts)| serde_json::json!({"district": district, "lifts": lifts})).collect::<Vec<_>>(),
            }))
        })
        .await??;
    ok(&ranking)
}
