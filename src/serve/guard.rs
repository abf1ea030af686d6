//! Who may talk to the server: requests must be addressed to it and come from its own
//! page. A `Host` header that names another site (a DNS-rebinding attack: a web page whose
//! name was made to point at 127.0.0.1) and an `Origin` that is not the server's own (a
//! cross-site read of the JSON, or a form posted from elsewhere) are refused, for every
//! method. The rules are pure functions of the headers, so they are tested here.

/// The addresses this server answers to.
#[derive(Debug, Clone)]
pub struct Guard {
    /// The bound port.
    port: u16,
    /// The host part of `--listen` as typed (lower case), when it is a name.
    listen_host: Option<String>,
}

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    NoHost,
    Host(String),
    Origin(String),
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::NoHost => f.write_str("the request has no Host header"),
            Refused::Host(host) => write!(
                f,
                "the Host `{host}` is not this server's address; it answers only requests \
                 addressed to it (127.0.0.1, localhost, [::1] or its --listen address, with \
                 its port)"
            ),
            Refused::Origin(origin) => write!(
                f,
                "requests from the page at `{origin}` are refused; only this server's own \
                 page may use its API"
            ),
        }
    }
}

impl Guard {
    /// The guard of a server bound to `port`, listening as `listen` said (`HOST:PORT`).
    pub fn new(port: u16, listen: &str) -> Guard {
        let host = split_authority(listen).map(|(host, _)| host.to_ascii_lowercase());
        Guard {
            port,
            listen_host: host.filter(|h| h.parse::<std::net::IpAddr>().is_err()),
        }
    }

    /// Whether a request with these `Host` and `Origin` headers may be answered.
    ///
    /// # Errors
    /// The reason it may not.
    pub fn check(&self, host: Option<&str>, origin: Option<&str>) -> Result<(), Refused> {
        let host = host.ok_or(Refused::NoHost)?;
        if !self.is_own(host) {
            return Err(Refused::Host(host.to_string()));
        }
        if let Some(origin) = origin {
            let own = origin
                .strip_prefix("http://")
                .is_some_and(|authority| self.is_own(authority));
            if !own {
                return Err(Refused::Origin(origin.to_string()));
            }
        }
        Ok(())
    }

    /// Whether `authority` (`HOST[:PORT]`) names this server: its port, and a host that
    /// is an IP address (a rebinding attack always comes by a name), `localhost`, or the
    /// name `--listen` gave.
    fn is_own(&self, authority: &str) -> bool {
        let Some((host, port)) = split_authority(authority) else {
            return false;
        };
        if port.unwrap_or(80) != self.port {
            return false;
        }
        let host = host.to_ascii_lowercase();
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        host == "localhost"
            || bare.parse::<std::net::IpAddr>().is_ok()
            || self.listen_host.as_deref() == Some(host.as_str())
    }
}

/// `HOST[:PORT]` split in two (`[::1]:8080` → `[::1]`, 8080); `None` when malformed.
fn split_authority(authority: &str) -> Option<(&str, Option<u16>)> {
    if authority.is_empty() || authority.contains(['/', '@', ' ', '?', '#']) {
        return None;
    }
    let (host, port) = if authority.starts_with('[') {
        let end = authority.find(']')?;
        let (host, rest) = authority.split_at(end + 1);
        match rest {
            "" => (host, None),
            _ => (host, Some(rest.strip_prefix(':')?)),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return None;
    }
    let port = match port {
        Some(port) => Some(port.parse::<u16>().ok()?),
        None => None,
    };
    Some((host, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_addressed_to_the_server_pass() {
        let guard = Guard::new(7878, "127.0.0.1:7878");
        for host in [
            "127.0.0.1:7878",
            "localhost:7878",
            "[::1]:7878",
            "LOCALHOST:7878",
        ] {
            assert_eq!(guard.check(Some(host), None), Ok(()), "{host}");
            let origin = format!("http://{host}");
            assert_eq!(guard.check(Some(host), Some(&origin)), Ok(()), "{host}");
        }
        let named = Guard::new(8080, "myhost.lan:8080");
        assert_eq!(named.check(Some("myhost.lan:8080"), None), Ok(()));
        assert_eq!(named.check(Some("192.168.1.5:8080"), None), Ok(()));
    }

    #[test]
    fn other_hosts_and_ports_are_refused() {
        let guard = Guard::new(7878, "127.0.0.1:7878");
        for host in [
            "evil.example:7878",
            "127.0.0.1:7879",
            "127.0.0.1",
            "localhost.evil.example:7878",
            "user@127.0.0.1:7878",
            ":7878",
            "",
        ] {
            assert!(guard.check(Some(host), None).is_err(), "{host}");
        }
        assert_eq!(guard.check(None, None), Err(Refused::NoHost));
        let on_80 = Guard::new(80, "127.0.0.1:80");
        assert_eq!(on_80.check(Some("localhost"), None), Ok(()));
    }

    #[test]
    fn other_origins_are_refused() {
        let guard = Guard::new(7878, "127.0.0.1:7878");
        for origin in [
            "http://evil.example",
            "http://evil.example:7878",
            "http://127.0.0.1:3000",
            "https://127.0.0.1:7878",
            "null",
            "",
        ] {
            assert_eq!(
                guard.check(Some("127.0.0.1:7878"), Some(origin)),
                Err(Refused::Origin(origin.to_string())),
                "{origin}"
            );
        }
    }
}
