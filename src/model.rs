//! Domain types shared by the client, the stores, the CLI and the window.

use serde::{Deserialize, Serialize};

use crate::secret::Secret;

/// Flow Service connection spec ID of the Amazon S3 source.
pub const S3_CONNECTION_SPEC_ID: &str = "ecadc60c-7455-4d87-84dc-2a0e293d997b";
/// Auth spec name for access-key credentials.
pub const S3_AUTH_SPEC_ACCESS_KEY: &str = "Access Key";
/// Default Platform gateway.
pub const DEFAULT_PLATFORM_URL: &str = "https://platform.adobe.io";
/// Default IMS host.
pub const DEFAULT_IMS_URL: &str = "https://ims-na1.adobelogin.com";
/// Scopes Adobe's Developer Console gives an Experience Platform OAuth Server-to-Server credential.
pub const DEFAULT_SCOPES: &str =
    "openid,session,AdobeID,read_organizations,additional_info.projectedProductContext";

/// Everything needed to create one S3 base connection with the "Access Key" auth spec.
#[derive(Clone, Debug, Default)]
pub struct S3ConnectionInput {
    /// Connection name (required by Flow Service).
    pub name: String,
    /// Optional description.
    pub description: Option<String>,
    /// AWS access key ID (`AKIA...` or `ASIA...`).
    pub access_key_id: String,
    /// AWS secret access key.
    pub secret_key: Secret,
    /// Session token for temporary (`ASIA`) credentials.
    pub session_token: Option<Secret>,
    /// Restricts the connection to one bucket.
    pub bucket_name: Option<String>,
    /// Restricts the connection to one folder of the bucket.
    pub folder_path: Option<String>,
    /// Region-specific or S3-compatible endpoint, `https://...`.
    pub service_url: Option<String>,
}

/// What a create sent that AEP shows back, unmasked or (the access key ID) partly masked: how a
/// connection found by name is told to be this request's or another request's of the same name.
#[derive(Clone, Copy, Debug)]
pub struct SentFields<'a> {
    /// Description sent, if any.
    pub description: Option<&'a str>,
    /// Access key ID sent.
    pub access_key_id: &'a str,
    /// Bucket sent, if any.
    pub bucket_name: Option<&'a str>,
    /// Folder path sent, if any.
    pub folder_path: Option<&'a str>,
    /// Service URL sent, if any.
    pub service_url: Option<&'a str>,
}

impl S3ConnectionInput {
    /// What this input sends that AEP shows back, to tell its connection from another's.
    pub fn sent(&self) -> SentFields<'_> {
        SentFields {
            description: self.description.as_deref(),
            access_key_id: &self.access_key_id,
            bucket_name: self.bucket_name.as_deref(),
            folder_path: self.folder_path.as_deref(),
            service_url: self.service_url.as_deref(),
        }
    }
}

impl Default for Secret {
    fn default() -> Self {
        Secret::new(String::new())
    }
}

/// The name AEP gives an organisation's default production sandbox. Whether a sandbox is
/// production is its type in the sandbox API ([`crate::api::sandboxes::sandbox_kind`]); this name
/// is only the fallback when the API cannot say, and the sandbox a new profile starts with.
pub const DEFAULT_PRODUCTION_SANDBOX: &str = "prod";

/// Where and as whom Platform calls are made: the non-secret half of a profile, after overrides.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    /// IMS organisation ID, `...@AdobeOrg`.
    pub org_id: String,
    /// OAuth client ID, also sent as `x-api-key`.
    pub client_id: String,
    /// Sandbox name (lowercase), sent as `x-sandbox-name`.
    pub sandbox: String,
    /// Platform base URL, e.g. `https://platform.adobe.io`.
    pub platform_url: String,
    /// IMS base URL, e.g. `https://ims-na1.adobelogin.com`.
    pub ims_url: String,
    /// Comma-separated OAuth scopes.
    pub scopes: String,
}

impl Target {
    /// True when `platform_url` names this target's platform, however it is spelled
    /// ([`platform_key`]).
    pub fn same_platform(&self, platform_url: &str) -> bool {
        platform_key(platform_url) == platform_key(&self.platform_url)
    }

    /// True when a record of (`org_id`, `sandbox`, `platform_url`) belongs to this target.
    pub fn owns(&self, org_id: &str, sandbox: &str, platform_url: &str) -> bool {
        org_id == self.org_id && sandbox == self.sandbox && self.same_platform(platform_url)
    }
}

/// A platform URL as a key for locks and for matching records: one site however it is spelled.
/// Scheme and host case, a default port, a trailing slash and the loopback aliases (`localhost`,
/// `127.0.0.1`, `::1`) make no difference; the path does.
pub fn platform_key(url: &str) -> String {
    match url::Url::parse(url.trim()) {
        Ok(u) => {
            let host = match u.host() {
                Some(url::Host::Domain(d)) if is_loopback_host(d) => "localhost".to_owned(),
                Some(url::Host::Ipv4(a)) if a.is_loopback() => "localhost".to_owned(),
                Some(url::Host::Ipv6(a)) if a.is_loopback() => "localhost".to_owned(),
                Some(host) => host.to_string(),
                None => String::new(),
            };
            let port = u.port().map(|p| format!(":{p}")).unwrap_or_default();
            format!(
                "{}://{host}{port}{}",
                u.scheme(),
                u.path().trim_end_matches('/')
            )
        }
        Err(_) => url.trim().trim_end_matches('/').to_ascii_lowercase(),
    }
}

/// True for `localhost`, `127.0.0.0/8` and `::1` (brackets allowed): the only hosts plain
/// `http://` may reach. `*.localhost` names are excluded because resolvers may send them elsewhere.
pub fn is_loopback_host(host: &str) -> bool {
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if let Ok(ip) = host.parse::<std::net::IpAddr>() {
        return match ip {
            std::net::IpAddr::V4(a) => a.is_loopback(),
            std::net::IpAddr::V6(a) => {
                a.is_loopback() || a.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
            }
        };
    }
    host.strip_suffix('.')
        .unwrap_or(host)
        .eq_ignore_ascii_case("localhost")
}

/// A connection Flow Service reports as created.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedConnection {
    /// Connection ID.
    pub id: String,
    /// Etag, byte for byte as received (it contains double quotes).
    pub etag: String,
    /// `x-request-id` of the response that proved it exists.
    pub request_id: Option<String>,
    /// True when the POST's answer was lost and the connection was found by name afterwards.
    pub reconciled: bool,
}

/// Now, in epoch milliseconds (Flow Service's time unit).
/// The offset [`EpochMs::local`] shows times in, set once by [`init_local_offset`].
static LOCAL_OFFSET: std::sync::OnceLock<time::UtcOffset> = std::sync::OnceLock::new();

/// Sets the user's time zone offset for every [`EpochMs::local`] time of this process; later
/// calls are ignored. `main` calls it first thing with [`read_local_offset`]: the `time` crate
/// reads the OS's zone only while a process has one thread, and a window or a runtime has more.
/// Tests that draw times call it with UTC, so snapshots do not depend on the machine's zone.
pub fn init_local_offset(offset: time::UtcOffset) {
    let _ = LOCAL_OFFSET.set(offset);
}

/// The OS's current offset, or UTC when it cannot be read (call while single-threaded).
pub fn read_local_offset() -> time::UtcOffset {
    time::UtcOffset::current_local_offset().unwrap_or(time::UtcOffset::UTC)
}

fn local_offset() -> time::UtcOffset {
    LOCAL_OFFSET.get().copied().unwrap_or(time::UtcOffset::UTC)
}

/// A time in epoch milliseconds (Flow Service's unit, and the history's): the one place times
/// are turned into text. A time `time` cannot represent (beyond year 9999) prints as its number.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct EpochMs(pub i64);

impl EpochMs {
    /// Now.
    pub fn now() -> Self {
        Self(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX)),
        )
    }

    /// `ms` milliseconds later (earlier when negative), saturating at the ends of the range.
    #[must_use]
    pub fn plus_ms(self, ms: i64) -> Self {
        Self(self.0.saturating_add(ms))
    }

    /// Milliseconds from `earlier` to this time (negative when `earlier` is later).
    pub fn ms_since(self, earlier: Self) -> i64 {
        self.0.saturating_sub(earlier.0)
    }

    fn utc_datetime(self) -> Option<time::OffsetDateTime> {
        time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(self.0) * 1_000_000).ok()
    }

    fn format_with(
        self,
        at: Option<time::OffsetDateTime>,
        format: &[time::format_description::BorrowedFormatItem<'_>],
    ) -> String {
        at.and_then(|t| t.format(format).ok())
            .unwrap_or_else(|| self.0.to_string())
    }

    /// In the user's time zone ([`init_local_offset`]), `YYYY-MM-DD HH:MM:SS` (tables, the
    /// window). UTC when the zone was not read at start.
    pub fn local(self) -> String {
        self.format_with(
            self.local_datetime(),
            time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"),
        )
    }

    /// `MM-DD HH:MM` in the user's time zone: the narrow history list, where the year and
    /// seconds do not fit (its tooltip has [`Self::local`]).
    pub fn local_month_day(self) -> String {
        self.format_with(
            self.local_datetime(),
            time::macros::format_description!("[month]-[day] [hour]:[minute]"),
        )
    }

    /// `HH:MM` in the user's time zone (the top bar's token expiry), `?` when out of range.
    pub fn local_hh_mm(self) -> String {
        self.local_datetime().map_or_else(
            || "?".to_owned(),
            |t| format!("{:02}:{:02}", t.hour(), t.minute()),
        )
    }

    /// `HH:MM` in the user's time zone, with the day whenever it is not `now`'s: `00:09
    /// tomorrow`, `23:50 yesterday`, else `2026-04-14 00:09`. A bare `HH:MM` would read as today.
    pub fn local_hh_mm_near(self, now: EpochMs) -> String {
        self.hh_mm_near(now, local_offset())
    }

    fn hh_mm_near(self, now: EpochMs, offset: time::UtcOffset) -> String {
        let (Some(at), Some(today)) = (self.utc_datetime(), now.utc_datetime()) else {
            return self.0.to_string();
        };
        let (at, today) = (at.to_offset(offset), today.to_offset(offset));
        let hh_mm = format!("{:02}:{:02}", at.hour(), at.minute());
        match (at.date() - today.date()).whole_days() {
            0 => hh_mm,
            1 => format!("{hh_mm} tomorrow"),
            -1 => format!("{hh_mm} yesterday"),
            _ => format!(
                "{:04}-{:02}-{:02} {hh_mm}",
                at.year(),
                u8::from(at.month()),
                at.day()
            ),
        }
    }

    fn local_datetime(self) -> Option<time::OffsetDateTime> {
        self.utc_datetime().map(|utc| utc.to_offset(local_offset()))
    }

    /// `YYYY-MM-DD HH:MM:SS UTC`: for messages of the domain, which does not know the user's zone.
    pub fn utc(self) -> String {
        self.format_with(
            self.utc_datetime(),
            time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC"),
        )
    }

    /// RFC 3339 in UTC, e.g. `2026-04-12T10:15:30.5Z` (exports).
    pub fn rfc3339(self) -> String {
        self.utc_datetime()
            .and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            })
            .unwrap_or_else(|| self.0.to_string())
    }

    /// `20260412T101530Z`: UTC, for file names that sort by date.
    pub fn stamp(self) -> String {
        self.format_with(
            self.utc_datetime(),
            time::macros::format_description!("[year][month][day]T[hour][minute][second]Z"),
        )
    }
}

/// How long a span of milliseconds is, in words a glance takes in: `2 d 3 h`, `23 h 59 min`,
/// `5 min`, `less than a minute` (a negative span counts as none). Minutes are whole ones
/// left, so a token valid for 59.9 minutes says `59 min`.
pub fn duration_text(ms: i64) -> String {
    let minutes = ms.max(0) / 60_000;
    let (days, hours, minutes) = (minutes / (24 * 60), minutes / 60 % 24, minutes % 60);
    match (days, hours, minutes) {
        (0, 0, 0) => "less than a minute".to_owned(),
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, 0, _) => format!("{d} d"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_platform_however_it_is_spelled() {
        let key = platform_key("http://127.0.0.1:8080");
        for same in [
            "HTTP://LOCALHOST:8080/",
            "http://localhost:8080",
            "http://[::1]:8080/",
            " http://127.0.0.1:8080// ",
        ] {
            assert_eq!(platform_key(same), key, "{same}");
        }
        assert_eq!(
            platform_key("https://PLATFORM.adobe.io:443/"),
            platform_key("https://platform.adobe.io")
        );
        assert_ne!(platform_key("http://127.0.0.1:8081"), key);
        assert_ne!(
            platform_key("https://platform.adobe.io/other"),
            platform_key("https://platform.adobe.io")
        );
    }

    /// Regression: "valid until 00:09" did not say it was tomorrow's 00:09.
    #[test]
    fn a_time_near_now_says_its_day_when_not_today() {
        let utc = time::UtcOffset::UTC;
        // 2026-04-12 23:10 UTC.
        let now = EpochMs(1_776_035_400_000);
        let minute = 60_000;
        assert_eq!(EpochMs(now.0 + 10 * minute).hh_mm_near(now, utc), "23:20");
        assert_eq!(
            EpochMs(now.0 + 59 * minute).hh_mm_near(now, utc),
            "00:09 tomorrow"
        );
        assert_eq!(
            EpochMs(now.0 - 24 * 60 * minute).hh_mm_near(now, utc),
            "23:10 yesterday"
        );
        assert_eq!(
            EpochMs(now.0 + 3 * 24 * 60 * minute).hh_mm_near(now, utc),
            "2026-04-15 23:10"
        );
        // The day is the user's: two hours east, 23:10 UTC is already 01:10 of the 13th.
        let east = time::UtcOffset::from_hms(2, 0, 0).unwrap();
        assert_eq!(EpochMs(now.0 + 10 * minute).hh_mm_near(now, east), "01:20");
        assert_eq!(
            EpochMs(now.0 - 2 * 60 * minute).hh_mm_near(now, east),
            "23:10 yesterday"
        );
        assert_eq!(EpochMs(i64::MAX).hh_mm_near(now, utc), i64::MAX.to_string());
    }

    #[test]
    fn durations_read_at_a_glance() {
        let minute = 60_000;
        assert_eq!(duration_text(-5), "less than a minute");
        assert_eq!(duration_text(59_999), "less than a minute");
        assert_eq!(duration_text(5 * minute), "5 min");
        assert_eq!(duration_text(60 * minute), "1 h");
        assert_eq!(duration_text(24 * 60 * minute - 1), "23 h 59 min");
        assert_eq!(duration_text(24 * 60 * minute), "1 d");
        assert_eq!(duration_text(27 * 60 * minute + 5 * minute), "1 d 3 h");
    }

    #[test]
    fn times_print_in_each_form() {
        let t = EpochMs(1_776_000_930_500);
        assert_eq!(t.utc(), "2026-04-12 13:35:30 UTC");
        assert_eq!(t.rfc3339(), "2026-04-12T13:35:30.5Z");
        assert_eq!(t.stamp(), "20260412T133530Z");
        assert_eq!(EpochMs(0).utc(), "1970-01-01 00:00:00 UTC");
        assert_eq!(t.local().len(), "2026-04-12 13:35:30".len());
    }

    #[test]
    fn times_out_of_range_print_as_numbers() {
        for t in [EpochMs(i64::MAX), EpochMs(i64::MIN)] {
            assert_eq!(t.utc(), t.0.to_string());
            assert_eq!(t.rfc3339(), t.0.to_string());
            assert_eq!(t.local(), t.0.to_string());
            assert_eq!(t.stamp(), t.0.to_string());
        }
    }
}
