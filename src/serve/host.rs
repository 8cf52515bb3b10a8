//! Which `Host` the preview answers. A web page on another site can make the browser send
//! requests to the preview by pointing its own DNS name at 127.0.0.1 (DNS rebinding), and then
//! read the answers as its own: those requests carry the attacker's name in `Host`. So the
//! preview answers only `localhost`, IP addresses (an address is never looked up, so it cannot
//! be rebound) and the names given with `--allow-host`.

use std::net::{Ipv4Addr, Ipv6Addr};

/// The host names allowed besides `localhost` and addresses, lower-case.
#[derive(Clone, Debug, Default)]
pub struct AllowedHosts {
    names: Vec<String>,
}

/// Why a request's `Host` was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// HTTP/1.1 requires exactly one `Host`.
    MissingOrRepeated,
    /// A name that is not allowed (as sent, for the explanation).
    Name(String),
}

impl AllowedHosts {
    pub fn new(names: &[String]) -> AllowedHosts {
        AllowedHosts {
            names: names.iter().map(|n| n.to_ascii_lowercase()).collect(),
        }
    }

    /// Checks the `Host` values of a request (an HTTP/1.0 request may have none).
    pub fn check<'h>(
        &self,
        mut values: impl Iterator<Item = &'h str>,
        http_1_0: bool,
    ) -> Result<(), Refused> {
        let host = match (values.next(), values.next()) {
            (Some(host), None) => host,
            (None, None) if http_1_0 => return Ok(()),
            _ => return Err(Refused::MissingOrRepeated),
        };
        let allowed = match split_port(host) {
            Some(Name::Address) => true,
            Some(Name::Named(name)) => {
                name.eq_ignore_ascii_case("localhost")
                    || self.names.iter().any(|n| n.eq_ignore_ascii_case(name))
            }
            None => false,
        };
        if allowed {
            Ok(())
        } else {
            Err(Refused::Name(host.to_string()))
        }
    }
}

enum Name<'h> {
    Address,
    Named(&'h str),
}

/// The host of a `Host` value without its port, or `None` when it is malformed.
fn split_port(host: &str) -> Option<Name<'_>> {
    let port_ok = |port: Option<&str>| {
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()))
    };
    if let Some(rest) = host.strip_prefix('[') {
        let (address, after) = rest.split_once(']')?;
        address.parse::<Ipv6Addr>().ok()?;
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':')?),
        };
        return port_ok(port).then_some(Name::Address);
    }
    let (name, port) = match host.split_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (host, None),
    };
    if name.is_empty() || !port_ok(port) {
        return None;
    }
    if name.parse::<Ipv4Addr>().is_ok() {
        Some(Name::Address)
    } else {
        Some(Name::Named(name))
    }
}

/// Checks a name given to `--allow-host`: a host name, without scheme or port.
pub fn parse_allowed_name(name: &str) -> Result<String, String> {
    let valid = !name.is_empty()
        && name.len() <= 253
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        && !name.starts_with('.')
        && !name.ends_with('.');
    if valid {
        Ok(name.to_ascii_lowercase())
    } else {
        Err(format!(
            "`{name}` is not a host name: give the name alone, without scheme or port (e.g. --allow-host preview.example.internal)"
        ))
    }
}

/// The text of a 403 for a refused `Host`; the name is shown with anything but printable
/// ASCII replaced, and shortened.
pub fn explain(refused: &Refused) -> String {
    match refused {
        Refused::MissingOrRepeated => "a request needs exactly one Host header\n".to_string(),
        Refused::Name(host) => {
            let shown: String = host
                .chars()
                .take(100)
                .map(|c| if c.is_ascii_graphic() { c } else { '?' })
                .collect();
            let name = shown.rsplit_once(':').map_or(shown.as_str(), |(n, _)| n);
            let how = match parse_allowed_name(name) {
                Ok(name) => format!(
                    "If that name is yours, restart with: dossier serve --allow-host {name}"
                ),
                Err(_) => "Other names can be allowed with --allow-host NAME.".to_string(),
            };
            format!(
                "dossier's preview answers only localhost and IP addresses, so that other web sites cannot read it through their own host names (DNS rebinding).\n\
                 This request was for \"{shown}\". {how}\n"
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(allowed: &AllowedHosts, host: &str) -> bool {
        allowed.check(std::iter::once(host), false).is_ok()
    }

    #[test]
    fn localhost_addresses_and_allowed_names_only() {
        let none = AllowedHosts::default();
        for host in [
            "localhost",
            "LOCALHOST:1111",
            "127.0.0.1",
            "127.0.0.1:1",
            "10.1.2.3:65535",
            "[::1]",
            "[::1]:1111",
            "[fe80::1]",
        ] {
            assert!(check(&none, host), "{host}");
        }
        for host in [
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example",
            "localhost.",
            "127.0.0.1.nip.io",
            "",
            ":1111",
            "localhost:",
            "localhost:x",
            "localhost:123456",
            "::1",
            "[::1",
            "[::1]x",
            "[evil]",
            "a b",
        ] {
            assert!(!check(&none, host), "{host}");
        }
        let some = AllowedHosts::new(&["Preview.Local".to_string()]);
        assert!(check(&some, "preview.local:8080"));
        assert!(check(&some, "PREVIEW.LOCAL"));
        assert!(!check(&some, "other.local"));
    }

    #[test]
    fn exactly_one_host_except_in_http_1_0() {
        let none = AllowedHosts::default();
        assert_eq!(
            none.check(std::iter::empty(), false),
            Err(Refused::MissingOrRepeated)
        );
        assert_eq!(none.check(std::iter::empty(), true), Ok(()));
        assert_eq!(
            none.check(["localhost", "localhost"].into_iter(), false),
            Err(Refused::MissingOrRepeated)
        );
    }

    #[test]
    fn the_explanation_shows_a_safe_name() {
        let text = explain(&Refused::Name("evil.example:80\u{1b}[2J".to_string()));
        assert!(text.contains("\"evil.example:80?[2J\""), "{text}");
        assert!(!text.contains('\u{1b}'));
        assert_eq!(
            parse_allowed_name("Preview.Example"),
            Ok("preview.example".to_string())
        );
        assert!(parse_allowed_name("http://x").is_err());
        assert!(parse_allowed_name("x:80").is_err());
        assert!(parse_allowed_name("").is_err());
    }
}
