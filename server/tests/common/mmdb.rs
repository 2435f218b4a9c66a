//! A tiny MaxMind DB (`.mmdb`) writer, so the GeoIP tests need no downloaded database. It
//! follows the MaxMind DB format 2.0: an IPv6 search tree (IPv4 networks under `::/96`, as in
//! GeoLite2) of 24-bit records, the 16-byte zero separator, a data section of maps, strings and
//! unsigned integers, then the metadata marker and map. Enough for a handful of networks.
use std::net::IpAddr;

/// A value in the data section (the types these tests need).
#[derive(Debug, Clone)]
pub enum Value {
    Str(String),
    U16(u16),
    U32(u32),
    U64(u64),
    Array(Vec<Value>),
    Map(Vec<(String, Value)>),
}

/// A GeoLite2-City-shaped record: `city.names.en` and `country.names.en`.
pub fn city(city: &str, country: &str, iso_code: &str) -> Value {
    let mut record = country_only(country, iso_code);
    if let Value::Map(fields) = &mut record {
        fields.insert(0, ("city".into(), map(vec![("names", names(city))])));
    }
    record
}

/// A record that knows the country but no city (as GeoLite2 has for many ranges).
pub fn country_only(country: &str, iso_code: &str) -> Value {
    map(vec![(
        "country",
        map(vec![
            ("iso_code", Value::Str(iso_code.into())),
            ("names", names(country)),
        ]),
    )])
}

fn names(en: &str) -> Value {
    map(vec![("en", Value::Str(en.into()))])
}

fn map(fields: Vec<(&str, Value)>) -> Value {
    Value::Map(fields.into_iter().map(|(k, v)| (k.into(), v)).collect())
}

/// Networks and their records; `build` lays them out as a database file.
#[derive(Default)]
pub struct Mmdb {
    networks: Vec<(Vec<bool>, Value)>,
}

#[derive(Clone, Copy)]
enum Record {
    Empty,
    Node(usize),
    Data(usize),
}

impl Mmdb {
    /// Adds `cidr` ("203.0.113.0/24", "2001:db8::/32") with its record; networks must not overlap.
    pub fn network(mut self, cidr: &str, record: Value) -> Self {
        let (ip, len) = cidr.split_once('/').expect("a CIDR");
        let len: usize = len.parse().unwrap();
        let (bytes, len) = match ip.parse::<IpAddr>().unwrap() {
            IpAddr::V4(v4) => (v4.to_ipv6_compatible().octets(), len + 96),
            IpAddr::V6(v6) => (v6.octets(), len),
        };
        assert!((1..=128).contains(&len), "prefix length {len}");
        let bits = (0..len)
            .map(|i| bytes[i / 8] & (0x80 >> (i % 8)) != 0)
            .collect();
        self.networks.push((bits, record));
        self
    }

    pub fn build(&self) -> Vec<u8> {
        let mut nodes = vec![[Record::Empty; 2]];
        let mut data = Vec::new();
        for (bits, value) in &self.networks {
            let offset = data.len();
            value.encode(&mut data);
            let mut node = 0;
            for (i, &bit) in bits.iter().enumerate() {
                let side = bit as usize;
                if i + 1 == bits.len() {
                    nodes[node][side] = Record::Data(offset);
                    break;
                }
                node = match nodes[node][side] {
                    Record::Node(next) => next,
                    Record::Empty => {
                        nodes.push([Record::Empty; 2]);
                        nodes[node][side] = Record::Node(nodes.len() - 1);
                        nodes.len() - 1
                    }
                    Record::Data(_) => panic!("overlapping networks"),
                };
            }
        }
        let node_count = nodes.len();
        let mut out = Vec::new();
        for node in &nodes {
            for record in node {
                // Empty points just past the tree ("no data"); data pointers skip the separator.
                let value = match *record {
                    Record::Empty => node_count,
                    Record::Node(n) => n,
                    Record::Data(offset) => node_count + 16 + offset,
                };
                assert!(value < 1 << 24, "too big for 24-bit records");
                out.extend_from_slice(&(value as u32).to_be_bytes()[1..]);
            }
        }
        out.extend_from_slice(&[0; 16]);
        out.extend_from_slice(&data);
        out.extend_from_slice(b"\xAB\xCD\xEFMaxMind.com");
        map(vec![
            ("binary_format_major_version", Value::U16(2)),
            ("binary_format_minor_version", Value::U16(0)),
            ("build_epoch", Value::U64(1_700_000_000)),
            ("database_type", Value::Str("Roster-Test-City".into())),
            (
                "description",
                map(vec![("en", Value::Str("Roster tests".into()))]),
            ),
            ("ip_version", Value::U16(6)),
            ("languages", Value::Array(vec![Value::Str("en".into())])),
            ("node_count", Value::U32(node_count as u32)),
            ("record_size", Value::U16(24)),
        ])
        .encode(&mut out);
        out
    }

    /// Writes the database to a new file in the temporary directory; answers its path.
    pub fn write(&self) -> std::path::PathBuf {
        temp_file(&self.build())
    }
}

/// A new file in the temporary directory holding `bytes`.
pub fn temp_file(bytes: &[u8]) -> std::path::PathBuf {
    use rand::Rng;
    let dir = std::env::temp_dir().join("roster-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let n: u64 = rand::thread_rng().gen();
    let path = dir.join(format!("geoip_{}_{n:016x}.mmdb", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    path
}

impl Value {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Value::Str(s) => {
                control(out, 2, s.len());
                out.extend_from_slice(s.as_bytes());
            }
            Value::U16(n) => uint(out, 5, u64::from(*n)),
            Value::U32(n) => uint(out, 6, u64::from(*n)),
            Value::U64(n) => uint(out, 9, *n),
            Value::Array(items) => {
                control(out, 11, items.len());
                items.iter().for_each(|v| v.encode(out));
            }
            Value::Map(fields) => {
                control(out, 7, fields.len());
                for (k, v) in fields {
                    Value::Str(k.clone()).encode(out);
                    v.encode(out);
                }
            }
        }
    }
}

/// The control byte: type in the top three bits (0 and a second byte for extended types,
/// numbered 8 and up), then the size, with one or two more bytes past 28.
fn control(out: &mut Vec<u8>, kind: u8, size: usize) {
    let (small, more): (u8, Vec<u8>) = match size {
        0..=28 => (size as u8, vec![]),
        29..=284 => (29, vec![(size - 29) as u8]),
        _ => {
            let n = u16::try_from(size - 285).expect("value too big for this writer");
            (30, n.to_be_bytes().to_vec())
        }
    };
    if kind < 8 {
        out.push(kind << 5 | small);
    } else {
        out.push(small);
        out.push(kind - 7);
    }
    out.extend_from_slice(&more);
}

/// An unsigned integer in as few big-endian bytes as it needs (none for zero).
fn uint(out: &mut Vec<u8>, kind: u8, n: u64) {
    let bytes = n.to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count();
    control(out, kind, 8 - skip);
    out.extend_from_slice(&bytes[skip..]);
}
