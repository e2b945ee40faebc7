//! What a citizen's app sends after scanning a usage sign (implementation opinions item 10):
//! a report of trapped passengers to 96333, a fault report, a complaint. Each type is the body
//! the platform's API deserialises, with the checks the platform makes before it acts.

use liftspec_model::id::{CreditCode, RegistrationCode};
use liftspec_model::record::ComplaintCategory;
use liftspec_protocol::usage_sign::UsageSign;
use liftspec_rescue::service::ReportBy;

use crate::request::{query_value, HttpRequest, IdempotencyKey};
use crate::RequestError;

/// `POST /v1/rescue/reports`: passengers are trapped. The lift is named in exactly one way: the
/// rescue code a caller reads out, the scanned sign, or (for telemetry) its registration code.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RescueReportRequest {
    /// The rescue code printed on the sign.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rescue_code: Option<String>,
    /// The sign's scanned payload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_payload: Option<String>,
    /// The registration code (a detector's or an alarm's report).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_code: Option<String>,
    /// How many people are trapped (at least 1; 1 when left out).
    #[serde(default = "one")]
    pub persons: u16,
    /// The floor, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floor: Option<i16>,
}

fn one() -> u16 {
    1
}

impl RescueReportRequest {
    /// A report by the scanned sign.
    pub fn by_sign(payload: &str, persons: u16) -> Self {
        Self {
            rescue_code: None,
            sign_payload: Some(payload.to_owned()),
            registration_code: None,
            persons,
            floor: None,
        }
    }

    /// A report by the rescue code.
    pub fn by_rescue_code(code: &str, persons: u16) -> Self {
        Self {
            rescue_code: Some(code.to_owned()),
            sign_payload: None,
            registration_code: None,
            persons,
            floor: None,
        }
    }

    /// Checks the report as the platform does before dispatching: one way of naming the lift,
    /// a sign that checks (a mistyped or tampered sign is the citizen's error, with its
    /// position), at least one person.
    ///
    /// ```
    /// use liftspec_api::citizen::RescueReportRequest;
    /// let mut r = RescueReportRequest::by_rescue_code("100072", 1);
    /// r.registration_code = Some("31103301062010050007".into());
    /// assert_eq!(r.check().unwrap_err().code(), "api.report_by");
    /// ```
    pub fn check(&self) -> Result<ReportBy, RequestError> {
        let by = match (
            &self.rescue_code,
            &self.sign_payload,
            &self.registration_code,
        ) {
            (Some(c), None, None) => ReportBy::RescueCode(c.clone()),
            (None, Some(p), None) => {
                UsageSign::decode(p)?;
                ReportBy::SignPayload(p.clone())
            }
            (None, None, Some(r)) => ReportBy::Telemetry(r.clone()),
            _ => return Err(RequestError::ReportBy),
        };
        if self.persons == 0 {
            return Err(RequestError::Persons);
        }
        Ok(by)
    }

    /// The checked request, sent under `key`.
    pub fn http(&self, key: &IdempotencyKey) -> Result<HttpRequest, RequestError> {
        self.check()?;
        HttpRequest::post("/v1/rescue/reports".to_owned(), self, key)
    }
}

/// `POST /v1/lifts/{registration code}/faults`: a citizen reports a fault.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultReportRequest {
    /// The national fault code the citizen picked (GB/T 24476 numbering: 1–8, and the regional
    /// 9–11; `liftspec_model::codes::LiftFault`).
    pub code: u16,
    /// The floor, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floor: Option<i16>,
}

impl FaultReportRequest {
    /// The request for `lift`, sent under `key`.
    ///
    /// ```
    /// use liftspec_api::{citizen::FaultReportRequest, request::IdempotencyKey};
    /// let lift = "31103301062010050007".parse()?;
    /// let r = FaultReportRequest { code: 2, floor: Some(5) }.http(&lift, &IdempotencyKey::parse("k1")?)?;
    /// assert_eq!(r.path, "/v1/lifts/31103301062010050007/faults");
    /// assert_eq!(r.body, r#"{"code":2,"floor":5}"#);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn http(
        &self,
        lift: &RegistrationCode,
        key: &IdempotencyKey,
    ) -> Result<HttpRequest, RequestError> {
        HttpRequest::post(format!("/v1/lifts/{lift}/faults"), self, key)
    }
}

/// `POST /v1/complaints`: a complaint about a lift, the unit behind it, or both (Hangzhou Reg.
/// Art. 38 counts substantiated complaints in the unit's credit).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ComplaintRequest {
    /// The lift's registration code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lift: Option<String>,
    /// The unified social credit code of the unit complained against; when left out, the
    /// lift's maintenance unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub against: Option<String>,
    /// What it is about.
    pub category: ComplaintCategory,
}

/// A complaint's subject, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintSubject {
    /// The lift, if named.
    pub lift: Option<RegistrationCode>,
    /// The unit, if named.
    pub against: Option<CreditCode>,
}

impl ComplaintRequest {
    /// Checks the codes it names and that it names at least one.
    ///
    /// ```
    /// use liftspec_api::citizen::ComplaintRequest;
    /// use liftspec_model::record::ComplaintCategory;
    /// let c = ComplaintRequest { lift: None, against: None, category: ComplaintCategory::Rescue };
    /// assert_eq!(c.check().unwrap_err().code(), "api.complaint_subject");
    /// ```
    pub fn check(&self) -> Result<ComplaintSubject, RequestError> {
        let lift = self
            .lift
            .as_deref()
            .map(RegistrationCode::parse)
            .transpose()?;
        let against = self.against.as_deref().map(CreditCode::parse).transpose()?;
        if lift.is_none() && against.is_none() {
            return Err(RequestError::ComplaintSubject);
        }
        Ok(ComplaintSubject { lift, against })
    }

    /// The checked request, sent under `key`.
    pub fn http(&self, key: &IdempotencyKey) -> Result<HttpRequest, RequestError> {
        self.check()?;
        HttpRequest::post("/v1/complaints".to_owned(), self, key)
    }
}

/// `GET /v1/lifts/lookup?sign=…`: the lift card of a scanned sign (checked first, so a
/// mistyped sign is never sent).
///
/// ```
/// use liftspec_api::citizen::lookup;
/// use liftspec_protocol::usage_sign::UsageSign;
/// let sign = UsageSign { registration_code: "31103301062010050007".parse()?, rescue_code: "100072".parse()? };
/// let r = lookup(&sign.encode())?;
/// assert!(r.path.starts_with("/v1/lifts/lookup?sign=LS1%2A31103301062010050007%2A100072%2A"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn lookup(sign_payload: &str) -> Result<HttpRequest, RequestError> {
    UsageSign::decode(sign_payload)?;
    Ok(HttpRequest::get(format!(
        "/v1/lifts/lookup?sign={}",
        query_value(sign_payload)
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign() -> String {
        UsageSign {
            registration_code: "31103301062010050007".parse().unwrap(),
            rescue_code: "100072".parse().unwrap(),
        }
        .encode()
    }

    fn key() -> IdempotencyKey {
        IdempotencyKey::parse("k-1").unwrap()
    }

    #[test]
    fn a_report_by_sign_carries_the_payload_the_platform_decodes() {
        let r = RescueReportRequest::by_sign(&sign(), 3);
        assert_eq!(r.check(), Ok(ReportBy::SignPayload(sign())));
        let http = r.http(&key()).unwrap();
        let back: RescueReportRequest = serde_json::from_str(&http.body).unwrap();
        assert_eq!(back, r);
        assert_eq!(http.headers["Idempotency-Key"], "k-1");
    }

    #[test]
    fn a_tampered_sign_is_refused_with_its_code() {
        let tampered = sign().replace("100072", "100073");
        let e = RescueReportRequest::by_sign(&tampered, 1)
            .http(&key())
            .unwrap_err();
        assert_eq!(e.code(), "usage_sign.check");
        assert_eq!(lookup(&tampered).unwrap_err().code(), "usage_sign.check");
    }

    #[test]
    fn a_report_for_no_one_or_named_twice_is_refused() {
        assert_eq!(
            RescueReportRequest::by_rescue_code("100072", 0).check(),
            Err(RequestError::Persons)
        );
        let mut twice = RescueReportRequest::by_sign(&sign(), 1);
        twice.rescue_code = Some("100072".into());
        assert_eq!(twice.check(), Err(RequestError::ReportBy));
        let none: RescueReportRequest = serde_json::from_str("{}").unwrap();
        assert_eq!(none.persons, 1, "one person when left out");
        assert_eq!(none.check(), Err(RequestError::ReportBy));
    }

    #[test]
    fn unknown_members_are_refused() {
        let e = serde_json::from_str::<RescueReportRequest>(r#"{"rescueCode":"1","people":2}"#)
            .map_err(RequestError::from)
            .unwrap_err();
        assert_eq!(e.code(), "api.bad_json");
    }

    #[test]
    fn a_complaint_checks_the_codes_it_names() {
        let c = ComplaintRequest {
            lift: Some("3110330106201005000".into()),
            against: None,
            category: ComplaintCategory::Maintenance,
        };
        assert!(c.check().unwrap_err().code().starts_with("id."));
        let ok = ComplaintRequest {
            lift: Some("31103301062010050007".into()),
            ..c
        };
        let http = ok.http(&key()).unwrap();
        assert_eq!(
            http.body,
            r#"{"lift":"31103301062010050007","category":"maintenance"}"#
        );
    }
}
