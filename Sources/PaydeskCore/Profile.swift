/// One set of gateways, credentials and data: TEST, PROD, STAGING, ...
public struct Profile: Sendable, Equatable {
    public let name: String
    public let production: Bool
    public let readOnly: Bool
    public let xpayURL: String
    public let praxisURL: String
    public let praxisVersion: String
    /// The theme this profile asks for (a production profile may have its own), or nil for the config's.
    public let theme: String?
    public let xpayAPIKey: CredentialSource
    public let praxisMerchantID: CredentialSource
    public let praxisApplicationKey: CredentialSource
    public let praxisSecret: CredentialSource
    /// Seconds to wait with no answer at all (connecting included), and for the whole call.
    public let connectTimeout: Double
    public let totalTimeout: Double
    /// The proxy every gateway call of this profile goes through, or nil for none (the environment's never counts).
    public let proxy: String?
    /// Confirm every Praxis success with `find-transaction` before calling it cancelled (off only for a gateway without it).
    public let praxisConfirm: Bool
    /// After a cancellation ends unknown, the console checks with the gateway by itself this many seconds later (0: never).
    public let autoCheckSeconds: Double

    /// The credentials in the order `paydesk profiles` shows them.
    public var credentials: [(name: String, source: CredentialSource)] {
        [("xpay_api_key", xpayAPIKey), ("praxis_merchant_id", praxisMerchantID),
         ("praxis_application_key", praxisApplicationKey), ("praxis_secret", praxisSecret)]
    }

    public init(name: String, production: Bool, readOnly: Bool = false, xpayURL: String, praxisURL: String,
                praxisVersion: String = "1.2", theme: String? = nil,
                xpayAPIKey: CredentialSource? = nil, praxisMerchantID: CredentialSource? = nil,
                praxisApplicationKey: CredentialSource? = nil, praxisSecret: CredentialSource? = nil,
                connectTimeout: Double = 10, totalTimeout: Double = 30, proxy: String? = nil,
                praxisConfirm: Bool = true, autoCheckSeconds: Double = 5) {
        self.name = name
        self.production = production
        self.readOnly = readOnly
        self.xpayURL = xpayURL
        self.praxisURL = praxisURL
        self.praxisVersion = praxisVersion
        self.theme = theme
        let prefix = Profile.environmentPrefix(name)
        self.xpayAPIKey = xpayAPIKey ?? .environment(prefix + "XPAY_API_KEY")
        self.praxisMerchantID = praxisMerchantID ?? .environment(prefix + "PRAXIS_MERCHANT_ID")
        self.praxisApplicationKey = praxisApplicationKey ?? .environment(prefix + "PRAXIS_APPLICATION_KEY")
        self.praxisSecret = praxisSecret ?? .environment(prefix + "PRAXIS_SECRET")
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.proxy = proxy
        self.praxisConfirm = praxisConfirm
        self.autoCheckSeconds = autoCheckSeconds
    }

    /// `PAYDESK_TEST_`, `PAYDESK_STAGING_EU_`: where a profile's credentials are looked for by default.
    public static func environmentPrefix(_ profile: String) -> String {
        "PAYDESK_" + String(profile.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }) + "_"
    }

    /// Profile names become folder names: letters, digits, `-` and `_` only.
    public static func isValidName(_ name: String) -> Bool {
        func isAlphanumeric(_ c: Unicode.Scalar) -> Bool { ("A"..."Z").contains(c) || ("a"..."z").contains(c) || ("0"..."9").contains(c) }
        guard let first = name.unicodeScalars.first, isAlphanumeric(first), name.unicodeScalars.count <= 64 else { return false }
        return name.unicodeScalars.allSatisfy { isAlphanumeric($0) || $0 == "-" || $0 == "_" }
    }

    // The seed's endpoints. Everything below `xpay_url` is the API's base: paydesk appends `/build/cancel`.
    public static let xpayProductionURL = "https://xpay.nexigroup.com/api/phoenix-0.0/psp/api/v1"
    public static let xpaySandboxURL = "https://xpaysandbox.nexigroup.com/api/phoenix-0.0/psp/api/v1"
    public static let praxisProductionURL = "https://gw.praxisgate.com"
    public static let praxisSandboxURL = "https://pci-gw-test.praxispay.com"

    /// Without a config file: TEST (the default) and PROD, credentials from the environment.
    public static let builtIn: [Profile] = [
        Profile(name: "PROD", production: true, xpayURL: xpayProductionURL, praxisURL: praxisProductionURL),
        Profile(name: "TEST", production: false, xpayURL: xpaySandboxURL, praxisURL: praxisSandboxURL),
    ]
}

/// Where a credential comes from. Never its value: values are read when needed, and only by `Credentials`.
public enum CredentialSource: Sendable, Equatable, CustomStringConvertible {
    /// Written in config.toml: only for the non-secret Praxis merchant id and application key.
    case inline(String)
    case environment(String)
    case file(String)

    public var description: String {
        switch self {
        case .inline: "config.toml"
        case .environment(let name): "$" + name
        case .file(let path): path
        }
    }
}

extension Profile {
    /// The same profile with cancelling off (`--read-only`).
    public func makingReadOnly() -> Profile {
        Profile(name: name, production: production, readOnly: true, xpayURL: xpayURL, praxisURL: praxisURL, praxisVersion: praxisVersion,
                theme: theme, xpayAPIKey: xpayAPIKey, praxisMerchantID: praxisMerchantID, praxisApplicationKey: praxisApplicationKey,
                praxisSecret: praxisSecret, connectTimeout: connectTimeout, totalTimeout: totalTimeout, proxy: proxy,
                praxisConfirm: praxisConfirm, autoCheckSeconds: autoCheckSeconds)
    }
}
