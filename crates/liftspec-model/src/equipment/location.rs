use alloc::string::String;

/// Why a [`GeoPoint`] is invalid.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum GeoError {
    /// Latitude outside -90..=90 or not finite.
    #[error("latitude {0} is outside -90..=90")]
    Latitude(f64),
    /// Longitude outside -180..=180 or not finite.
    #[error("longitude {0} is outside -180..=180")]
    Longitude(f64),
}

impl GeoError {
    /// A stable, machine-readable code for this error.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Latitude(_) => "geo.latitude",
            Self::Longitude(_) => "geo.longitude",
        }
    }
}

/// A WGS-84 point in degrees. (Maps in China often use GCJ-02; convert before building one.)
///
/// ```
/// use liftspec_model::equipment::GeoPoint;
/// let west_lake = GeoPoint::new(30.2431, 120.1500)?;
/// let city_hall = GeoPoint::new(30.2741, 120.1551)?;
/// let km = west_lake.distance_m(city_hall) / 1000.0;
/// assert!((3.0..4.0).contains(&km));
/// assert!(GeoPoint::new(91.0, 0.0).is_err());
/// # Ok::<(), liftspec_model::equipment::GeoError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "RawPoint", into = "RawPoint")]
pub struct GeoPoint {
    lat: f64,
    lon: f64,
}

#[derive(serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
struct RawPoint {
    lat: f64,
    lon: f64,
}

impl TryFrom<RawPoint> for GeoPoint {
    type Error = GeoError;
    fn try_from(raw: RawPoint) -> Result<Self, GeoError> {
        Self::new(raw.lat, raw.lon)
    }
}

impl From<GeoPoint> for RawPoint {
    fn from(p: GeoPoint) -> Self {
        Self {
            lat: p.lat,
            lon: p.lon,
        }
    }
}

/// Mean Earth radius in metres (IUGG).
const EARTH_RADIUS_M: f64 = 6_371_008.8;

impl GeoPoint {
    /// A point from latitude and longitude in degrees.
    pub fn new(lat: f64, lon: f64) -> Result<Self, GeoError> {
        if !(-90.0..=90.0).contains(&lat) {
            return Err(GeoError::Latitude(lat));
        }
        if !(-180.0..=180.0).contains(&lon) {
            return Err(GeoError::Longitude(lon));
        }
        Ok(Self { lat, lon })
    }

    /// Latitude in degrees.
    pub fn lat(self) -> f64 {
        self.lat
    }

    /// Longitude in degrees.
    pub fn lon(self) -> f64 {
        self.lon
    }

    /// Distance to `other` in metres on the equirectangular approximation, accurate to well under
    /// 1 % within a city (which is what dispatch needs) and free of trigonometry beyond one cosine
    /// so it works without `std`.
    pub fn distance_m(self, other: Self) -> f64 {
        let to_rad = core::f64::consts::PI / 180.0;
        let mean_lat = (self.lat + other.lat) * 0.5 * to_rad;
        let x = (other.lon - self.lon) * to_rad * cos(mean_lat);
        let y = (other.lat - self.lat) * to_rad;
        sqrt(x * x + y * y) * EARTH_RADIUS_M
    }
}

/// Cosine by range reduction and a Taylor series (|x| ≤ π/2 after reduction; error < 1e-9).
fn cos(x: f64) -> f64 {
    let pi = core::f64::consts::PI;
    // cos is even; fold into [0, π].
    let mut x = if x < 0.0 { -x } else { x };
    x %= 2.0 * pi;
    if x > pi {
        x = 2.0 * pi - x;
    }
    let (x, sign) = if x > pi / 2.0 {
        (pi - x, -1.0)
    } else {
        (x, 1.0)
    };
    let x2 = x * x;
    let mut term = 1.0;
    let mut sum = 1.0;
    for k in 1..12 {
        term *= -x2 / f64::from((2 * k - 1) * (2 * k));
        sum += term;
    }
    sign * sum
}

/// Square root by Newton's method (no `std` needed).
fn sqrt(v: f64) -> f64 {
    if v <= 0.0 || !v.is_finite() {
        return if v == 0.0 { 0.0 } else { f64::NAN };
    }
    let mut x = if v > 1.0 { v / 2.0 } else { 1.0 };
    for _ in 0..64 {
        let next = 0.5 * (x + v / x);
        if (next - x).abs() <= f64::EPSILON * next {
            return next;
        }
        x = next;
    }
    x
}

/// Where a lift is.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct Location {
    /// WGS-84 position of the building entrance nearest the lift.
    pub point: GeoPoint,
    /// Postal address, as a rescuer would type it into a map.
    pub address: String,
    /// District (区/县) name, e.g. `西湖区`.
    pub district: String,
    /// GB/T 2260 6-digit code of the district, e.g. 330106.
    pub region_code: u32,
    /// Inside the city's built-up area (城市建成区): decides the 30-minute vs 1-hour rescue
    /// arrival limit of Hangzhou Reg. Art. 30.
    pub built_up_area: bool,
    /// Free-text access notes for rescuers (gate code, machine-room key holder, …).
    pub access_notes: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cos_and_sqrt_match_std() {
        for i in -100i32..=100 {
            let x = f64::from(i) * 0.1;
            assert!((cos(x) - x.cos()).abs() < 1e-9, "cos({x})");
            let v = f64::from(i.abs()) * 12.5;
            assert!((sqrt(v) - v.sqrt()).abs() < 1e-9, "sqrt({v})");
        }
    }

    #[test]
    fn distance_is_close_to_haversine_within_a_city() {
        let a = GeoPoint::new(30.2741, 120.1551).unwrap();
        let b = GeoPoint::new(30.1800, 120.2700).unwrap();
        let (la1, lo1, la2, lo2) = (
            a.lat.to_radians(),
            a.lon.to_radians(),
            b.lat.to_radians(),
            b.lon.to_radians(),
        );
        let h = ((la2 - la1) / 2.0).sin().powi(2)
            + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
        let haversine = 2.0 * EARTH_RADIUS_M * h.sqrt().asin();
        let ours = a.distance_m(b);
        assert!(
            (ours - haversine).abs() / haversine < 0.001,
            "{ours} vs {haversine}"
        );
    }

    #[test]
    fn rejects_out_of_range_and_nan() {
        assert!(GeoPoint::new(f64::NAN, 0.0).is_err());
        assert!(GeoPoint::new(0.0, f64::INFINITY).is_err());
        assert!(GeoPoint::new(0.0, -180.5).is_err());
        assert!(serde_json::from_str::<GeoPoint>(r#"{"lat":95.0,"lon":1.0}"#).is_err());
    }
}
