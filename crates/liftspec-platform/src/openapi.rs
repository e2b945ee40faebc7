//! The HTTP API's OpenAPI 3.1 document, written from one table of the routes. `docs/openapi.json`
//! is this document, checked by a test (`LIFTSPEC_BLESS=1` rewrites it), and every route in it
//! is checked to be served.

use serde_json::{json, Value};

/// One route of the API.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    /// `get` or `post`.
    pub method: &'static str,
    /// The path, with `{parameters}`.
    pub path: &'static str,
    /// What it does.
    pub summary: &'static str,
    /// Query parameters: (name, description).
    pub query: &'static [(&'static str, &'static str)],
    /// The request body's schema (JSON), for writes.
    pub body: Option<&'static str>,
    /// The success status.
    pub ok: u16,
}

/// Every route, in the order documented.
pub const ROUTES: &[Route] = &[
    Route { method: "post", path: "/v1/rescue/reports", summary: "Report trapped passengers by rescue code, usage-sign payload or registration code (opinions item 11; Hangzhou Reg. Art. 30). Merges into the lift's open incident.", query: &[], body: Some(r#"{"type":"object","additionalProperties":false,"properties":{"rescueCode":{"type":"string"},"signPayload":{"type":"string"},"registrationCode":{"type":"string"},"persons":{"type":"integer","minimum":1,"default":1},"floor":{"type":"integer"}},"description":"exactly one of rescueCode, signPayload, registrationCode"}"#), ok: 201 },
    Route { method: "get", path: "/v1/rescue/incidents", summary: "Every incident as of the last commit: status, ETA, minutes to the Art. 30 limit, next comforting message, clocks, crew, audit trail.", query: &[("open", "true: only open incidents")], body: None, ok: 200 },
    Route { method: "get", path: "/v1/rescue/incidents/{id}", summary: "One incident's status, as of the last commit.", query: &[], body: None, ok: 200 },
    Route { method: "post", path: "/v1/rescue/incidents/{id}/{action}", summary: "A crew's step: action is accept, decline, arrive, release (body: crew) or close (body: cause; answers the rescue record).", query: &[], body: Some(r#"{"type":"object","additionalProperties":false,"properties":{"crew":{"type":"string"},"cause":{"enum":["equipmentFault","powerFailure","misuse","external","unknown"]}}}"#), ok: 200 },
    Route { method: "post", path: "/v1/rescue/crews/{crew}/position", summary: "A crew app's position (dispatch measures from the latest one).", query: &[], body: Some(r#"{"type":"object","additionalProperties":false,"required":["lat","lon"],"properties":{"lat":{"type":"number"},"lon":{"type":"number"}}}"#), ok: 200 },
    Route { method: "get", path: "/v1/rescue/crews/{crew}/incidents", summary: "The incidents a crew is offered or assigned and has not finished.", query: &[], body: None, ok: 200 },
    Route { method: "get", path: "/v1/lifts/lookup", summary: "A citizen scans a lift's usage sign (opinions item 10): the lift, its units, last maintenance and inspection, next due dates with their clauses.", query: &[("sign", "the usage sign's payload (required)")], body: None, ok: 200 },
    Route { method: "post", path: "/v1/lifts/{code}/faults", summary: "A citizen reports a fault of a lift (a fault record, source report).", query: &[], body: Some(r#"{"type":"object","additionalProperties":false,"required":["code"],"properties":{"code":{"type":"integer","description":"national fault code number (GB/T 24476 family)"},"floor":{"type":"integer"}}}"#), ok: 201 },
    Route { method: "get", path: "/v1/lifts/{code}/risk", summary: "A lift's Hangzhou Reg. Art. 32 triggers, each with its clause and evidence.", query: &[("on", "the day to screen on, YYYY-MM-DD (default: the platform's today)")], body: None, ok: 200 },
    Route { method: "post", path: "/v1/complaints", summary: "A citizen files a complaint (opinions item 10); against the lift's maintenance unit when only the lift is named.", query: &[], body: Some(r#"{"type":"object","additionalProperties":false,"required":["category"],"properties":{"lift":{"type":"string"},"against":{"type":"string"},"category":{"enum":["frequentFaults","rescue","maintenance","outOfService","other"]}}}"#), ok: 201 },
    Route { method: "get", path: "/v1/detections", summary: "Detections committed, in order, with their evidence and source.", query: &[("after", "only ids above this"), ("device", "only this terminal"), ("kind", "only this kind (its Debug name, e.g. TrappedAtLanding)"), ("limit", "1 to 10000, default 1000")], body: None, ok: 200 },
    Route { method: "get", path: "/v1/detections/stream", summary: "Server-Sent Events: every detection as it is committed (event detection, id its number); with ?after= or Last-Event-ID the stored ones after it first; an event lagged says what a slow client missed.", query: &[("after", "replay stored detections above this id first")], body: None, ok: 200 },
    Route { method: "get", path: "/v1/units/{code}/credit", summary: "A maintenance unit's credit score over a year with every deduction and its clause.", query: &[("year", "the year, default 2025")], body: None, ok: 200 },
    Route { method: "get", path: "/v1/districts/early-warning", summary: "The district early-warning ranking (Hangzhou Reg. Art. 35): each district's riskiest lifts, scored 3 per Art. 32 shall-trigger, 2 per may-trigger, plus faults in the last 12 months (liftspec default), with their reasons.", query: &[("on", "the day, YYYY-MM-DD (default: the platform's today)"), ("top", "lifts per district, 1 to 1000, default 10")], body: None, ok: 200 },
    Route { method: "get", path: "/v1/stats", summary: "What the service counted: frames, commits, refused frames and corrupt blocks by code, connections, problems, this start's number.", query: &[], body: None, ok: 200 },
];

/// The document.
pub fn document() -> Value {
    let mut paths = serde_json::Map::new();
    for r in ROUTES {
        let mut parameters: Vec<Value> = r
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{')?.strip_suffix('}'))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        parameters.extend(r.query.iter().map(|(name, description)| {
            json!({"name": name, "in": "query", "required": *name == "sign", "description": description, "schema": {"type": "string"}})
        }));
        let mut op = json!({
            "summary": r.summary,
            "parameters": parameters,
            "responses": {
                r.ok.to_string(): {"description": "done", "content": {"application/json": {}}},
                "4XX": {"description": "bad input: the stable code says what", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                "5XX": {"description": "the platform failed (never bad input)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            }
        });
        if let Some(body) = r.body {
            let schema: Value = serde_json::from_str(body).unwrap_or(Value::Null);
            op["requestBody"] =
                json!({"required": true, "content": {"application/json": {"schema": schema}}});
            if let Some(p) = op["parameters"].as_array_mut() {
                p.push(json!({"name": "Idempotency-Key", "in": "header", "required": true, "description": "1 to 128 visible ASCII characters; a repeat with the same request gets the same answer, with another request 422 api.idempotency_key_reused", "schema": {"type": "string"}}));
            }
        }
        if let Some(m) = paths
            .entry(r.path)
            .or_insert_with(|| json!({}))
            .as_object_mut()
        {
            m.insert(r.method.into(), op);
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "liftspec platform",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The supervision platform's HTTP API (Hangzhou implementation opinions items 9-11). Writes are committed before they are answered. Every error is JSON {code, message} with a stable code."
        },
        "paths": paths,
        "components": {"schemas": {"Error": {"type": "object", "required": ["code", "message"], "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}}
    })
}
