import Foundation

/// Gateway URLs must be `https://`; plain `http://` only to this machine (the local simulator).
public enum GatewayURL {
    /// Why the URL is refused, or nil.
    public static func problem(_ text: String) -> String? {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty else {
            // Not echoed: a malformed URL may still carry a password.
            return "not a URL such as https://host/path"
        }
        if components.user != nil || components.password != nil {
            return "a URL must not carry a user or password; credentials go in their own keys"
        }
        if components.query != nil || components.fragment != nil {
            return "a gateway base URL has no ?query or #fragment (credentials go in their own keys)"
        }
        switch scheme {
        case "https": return nil
        case "http": return isLoopback(host) ? nil : "http:// is allowed only for this machine (127.0.0.1, ::1, localhost); use https:// for \(host)"
        default: return "the scheme must be https:// (or http:// to this machine), not \(scheme)://"
        }
    }

    /// Why a `proxy` URL is refused, or nil: `http://` or `https://` host and port, nothing else (a proxy's
    /// password would be a secret in the config file).
    public static func proxyProblem(_ text: String) -> String? {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty else {
            return "not a URL such as https://proxy.example:3128"
        }
        if components.user != nil || components.password != nil { return "a proxy URL must not carry a user or password" }
        if !(components.path.isEmpty || components.path == "/") || components.query != nil || components.fragment != nil {
            return "a proxy URL is a scheme, a host and a port, nothing more"
        }
        return ["http", "https"].contains(scheme) ? nil : "the scheme must be https:// or http://, not \(scheme)://"
    }

    /// 127.0.0.0/8, ::1 and localhost. Names are compared whole: `127.0.0.1.example.com` is not loopback.
    public static func isLoopback(_ host: String) -> Bool {
        let h = canonicalHost(host)
        if h == "localhost" || h == "::1" || h == "0:0:0:0:0:0:0:1" { return true }
        let parts = h.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { p in
            !p.isEmpty && p.count <= 3 && p.allSatisfy(\.isASCII) && p.allSatisfy(\.isNumber) && (Int(p) ?? 256) <= 255
        }
    }

    static let productionHosts: Set = ["xpay.nexigroup.com", "gw.praxisgate.com"]

    public static func isKnownProductionHost(_ text: String) -> Bool {
        URLComponents(string: text)?.host.map { productionHosts.contains(canonicalHost($0)) } ?? false
    }

    /// Lower-case, without IPv6 brackets or the trailing dot DNS ignores (`xpay.nexigroup.com.` is production too).
    private static func canonicalHost(_ host: String) -> String {
        var h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        while h.hasSuffix(".") { h.removeLast() }
        return h
    }

    /// Without a trailing slash, so paths append cleanly.
    static func trimmed(_ url: String) -> String {
        var u = url
        while u.hasSuffix("/") { u.removeLast() }
        return u
    }
}
