/// The kind of place a lift serves; drives spot-check priority, retrofit priority and the
/// maintenance rules for public gathering places.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum PlaceCategory {
    /// Housing (住宅小区), including lifts added to existing residential buildings.
    Residential,
    /// Offices.
    Office,
    /// Shopping malls and markets.
    Mall,
    /// Hotels.
    Hotel,
    /// Hospitals and clinics.
    Hospital,
    /// Schools, kindergartens and universities.
    School,
    /// Railway and bus stations, metro (轨道交通) stations, airports, passenger ports.
    TransportHub,
    /// Pedestrian bridges and underpasses (行人过街设施).
    PedestrianCrossing,
    /// Scenic areas, stadiums, theatres, exhibition halls.
    VenueOrScenicArea,
    /// Government and public-service buildings.
    PublicService,
    /// Factories and warehouses.
    Industrial,
    /// Anything else.
    Other,
}

impl PlaceCategory {
    /// Public gathering places (公众聚集场所) for which Hangzhou Reg. Art. 27 asks use units to
    /// prefer the manufacturer as maintainer and to maintain more often, and Art. 20(5) asks for
    /// video surveillance: stations, metro, pedestrian crossings, airports, ports — and, in the
    /// wider sense of the Special Equipment Safety Law, malls, hospitals, schools and venues.
    pub const fn is_public_gathering(self) -> bool {
        matches!(
            self,
            Self::TransportHub
                | Self::PedestrianCrossing
                | Self::Mall
                | Self::Hospital
                | Self::School
                | Self::VenueOrScenicArea
                | Self::Hotel
        )
    }

    /// Priority places that "double random" sampling draws at a higher ratio (SAMR Order 57
    /// Art. 15 \[recall\]; Ningbo Reg. Art. 35): schools, hospitals, stations, malls and other
    /// public places.
    pub const fn is_spot_check_priority(self) -> bool {
        matches!(
            self,
            Self::School
                | Self::Hospital
                | Self::TransportHub
                | Self::Mall
                | Self::PedestrianCrossing
                | Self::VenueOrScenicArea
        )
    }

    /// Crowded places (人员密集场所) whose lifts come first for a smart elevator system retrofit
    /// (implementation opinions item 6).
    pub const fn is_crowded(self) -> bool {
        self.is_public_gathering() || matches!(self, Self::PublicService)
    }
}

/// Who manages a lift added to an existing residential building (implementation opinions
/// item 17: owners themselves, a property company on their behalf, or a third party).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum RetrofitManagement {
    /// 业主自管: the owners manage it themselves.
    Owners,
    /// 物业代管: a property services company manages it for the owners.
    PropertyCompany,
    /// 第三方托管: a third-party lift safety management company.
    ThirdParty,
}

/// State of the lift's smart elevator system (Hangzhou Reg. Art. 15; opinions item 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub enum SmartSystemStatus {
    /// No smart elevator system fitted.
    NotFitted,
    /// Fitted but not (or no longer) connected to the supervision platform.
    FittedNotConnected,
    /// Fitted and reporting to the supervision platform through the unified interface.
    Connected,
}
