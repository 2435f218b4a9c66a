//! Approximate location of a client address, from a MaxMind DB file (GeoLite2-City or any
//! database shaped like it) named by `ROSTER_GEOIP_DB`. Optional: without the file, or with one
//! that cannot be read, Roster shows no location and carries on. The file is read into memory
//! once at startup, so a lookup is a walk of an in-memory tree and rows can be located as they
//! are read, with no query per row.
use maxminddb::{geoip2, Reader};
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;

pub struct GeoIp {
    reader: Reader<Vec<u8>>,
}

impl std::fmt::Debug for GeoIp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GeoIp")
            .field("database_type", &self.reader.metadata().database_type)
            .finish()
    }
}

impl GeoIp {
    /// Reads and checks the whole file; the error says what is wrong with it.
    pub fn open(path: &Path) -> Result<GeoIp, String> {
        let reader = Reader::open_readfile(path).map_err(|e| e.to_string())?;
        Ok(GeoIp { reader })
    }

    /// The database at `path` when one is configured (`None` or an empty path: none). A file
    /// that is missing or broken is logged and left out: locations are a convenience, not a
    /// reason to refuse to start.
    pub fn configured(path: Option<&Path>) -> Option<Arc<GeoIp>> {
        let path = path.filter(|p| !p.as_os_str().is_empty())?;
        match GeoIp::open(path) {
            Ok(geo) => {
                let m = geo.reader.metadata();
                tracing::info!(
                    path = %path.display(),
                    database_type = %m.database_type,
                    build_epoch = m.build_epoch,
                    "GeoIP database loaded: sessions and sign-ins show an approximate location"
                );
                Some(Arc::new(geo))
            }
            Err(error) => {
                tracing::warn!(
                    path = %path.display(),
                    %error,
                    "cannot read the GeoIP database (ROSTER_GEOIP_DB): sessions and sign-ins \
                     show no location"
                );
                None
            }
        }
    }

    /// "City, Country" in English, the country alone when the database knows no city, `None`
    /// for an address it does not know (private ones included) or text that is no address.
    pub fn locate(&self, ip: &str) -> Option<String> {
        let ip: IpAddr = ip.trim().parse().ok()?;
        // A dual-stack listener reports IPv4 clients as ::ffff:a.b.c.d, which MaxMind's tree
        // only knows under the IPv4 address.
        let ip = match ip {
            IpAddr::V6(v6) => v6
                .to_ipv4_mapped()
                .map(IpAddr::V4)
                .unwrap_or(IpAddr::V6(v6)),
            v4 => v4,
        };
        let found = self.reader.lookup(ip).ok()?;
        let record: geoip2::City = found.decode().ok()??;
        let country = record.country.names.english.filter(|c| !c.is_empty())?;
        Some(match record.city.names.english.filter(|c| !c.is_empty()) {
            Some(city) => format!("{city}, {country}"),
            None => country.to_string(),
        })
    }
}

/// The location to show for `ip`: empty without a database or when it does not know the address.
pub fn location(geo: Option<&GeoIp>, ip: &str) -> String {
    geo.and_then(|g| g.locate(ip)).unwrap_or_default()
}
