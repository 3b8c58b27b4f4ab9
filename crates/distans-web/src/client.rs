//! Who the client is, by address. Behind a load balancer the connection
//! comes from the proxy, which names the client in `X-Forwarded-For`; that
//! header is believed only from the proxies the operator trusts
//! (`DISTANS_TRUSTED_PROXIES`). From anyone else it is ignored, so a client
//! cannot pick its own address to slip past the sign-in limits.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use ipnet::IpNet;

use crate::AppState;

/// The proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// A comma-separated list of addresses and CIDR ranges
    /// (`10.0.0.0/8, 192.0.2.7, fd00::/8`); blank is none. The error names
    /// the entry that is neither.
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        list.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<IpNet>()
                    .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("\"{s}\" is not an IP address or a CIDR range"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|n| n.contains(&ip))
    }

    /// The client's address: the peer's, unless the peer is a trusted proxy;
    /// then the nearest address in `X-Forwarded-For` (read from the right)
    /// that is not itself a trusted proxy. A header that cannot be read is
    /// ignored.
    pub fn client(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        let peer = peer.map(canonical)?;
        if !self.trusts(peer) {
            return Some(peer);
        }
        let mut hops = vec![];
        for value in headers.get_all("x-forwarded-for") {
            let Ok(text) = value.to_str() else {
                return Some(peer);
            };
            for hop in text.split(',').map(str::trim).filter(|h| !h.is_empty()) {
                match parse_hop(hop) {
                    Some(ip) => hops.push(canonical(ip)),
                    None => return Some(peer),
                }
            }
        }
        let mut client = peer;
        for ip in hops.into_iter().rev() {
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        Some(client)
    }
}

/// One hop of `X-Forwarded-For`: an address, perhaps with a port
/// (`192.0.2.1:4711`, `[2001:db8::1]:4711`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
}

/// An IPv4 address written as IPv6 (`::ffff:192.0.2.1`) is the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The client's address, when the server knows it (not in in-process
/// tests), as [`TrustedProxies::client`] finds it.
pub struct ClientIp(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(ClientIp(
            state.config.trusted_proxies.client(peer, &parts.headers),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn xff(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn lb() -> TrustedProxies {
        TrustedProxies::parse("10.0.0.0/8, 192.0.2.7").unwrap()
    }

    #[test]
    fn the_list_names_what_it_cannot_read() {
        assert_eq!(
            TrustedProxies::parse("").unwrap(),
            TrustedProxies::default()
        );
        assert_eq!(
            TrustedProxies::parse(" , ").unwrap(),
            TrustedProxies::default()
        );
        assert!(TrustedProxies::parse("fd00::/8,127.0.0.1").is_ok());
        let e = TrustedProxies::parse("10.0.0.0/8, proxy.local").unwrap_err();
        assert!(e.contains("\"proxy.local\""), "{e}");
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let none = TrustedProxies::default();
        let h = xff(&["203.0.113.5"]);
        assert_eq!(
            none.client(Some(ip("198.51.100.7")), &h),
            Some(ip("198.51.100.7"))
        );
        assert_eq!(none.client(None, &h), None);
    }

    #[test]
    fn a_client_cannot_forge_its_address() {
        let h = xff(&["203.0.113.5"]);
        assert_eq!(
            lb().client(Some(ip("198.51.100.7")), &h),
            Some(ip("198.51.100.7"))
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_nearest_untrusted_hop_is_the_client() {
        let peer = Some(ip("10.1.2.3"));
        assert_eq!(
            lb().client(peer, &xff(&["203.0.113.5"])),
            Some(ip("203.0.113.5"))
        );
        // What the client put first is not believed: only what our proxies added.
        let h = xff(&["6.6.6.6, 203.0.113.5, 192.0.2.7"]);
        assert_eq!(lb().client(peer, &h), Some(ip("203.0.113.5")));
        // Several headers are one list.
        let h = xff(&["6.6.6.6", "203.0.113.5:4711", "10.9.9.9"]);
        assert_eq!(lb().client(peer, &h), Some(ip("203.0.113.5")));
        let h = xff(&["[2001:db8::1]:443"]);
        assert_eq!(lb().client(peer, &h), Some(ip("2001:db8::1")));
        // Only proxies: the farthest one.
        assert_eq!(lb().client(peer, &xff(&["10.0.0.1"])), Some(ip("10.0.0.1")));
        // No header: the proxy itself.
        assert_eq!(lb().client(peer, &HeaderMap::new()), peer);
    }

    #[test]
    fn an_unreadable_header_is_ignored() {
        let peer = Some(ip("10.1.2.3"));
        assert_eq!(lb().client(peer, &xff(&["203.0.113.5, not-an-ip"])), peer);
        assert_eq!(lb().client(peer, &xff(&["unknown"])), peer);
    }

    #[test]
    fn mapped_ipv4_is_ipv4() {
        let peer = Some(ip("::ffff:10.1.2.3"));
        assert_eq!(
            lb().client(peer, &xff(&["203.0.113.5"])),
            Some(ip("203.0.113.5"))
        );
    }
}
