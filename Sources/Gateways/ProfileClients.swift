import PaydeskCore

extension Timeouts {
    public init(profile: Profile) { self.init(connect: profile.connectTimeout, total: profile.totalTimeout) }
}

extension XPayClient {
    /// The client for a profile; a config error naming what to set if a credential is missing or refused.
    public init(profile: Profile, credentials: Credentials, transport: HTTPTransport? = nil) throws {
        self.init(baseURL: profile.xpayURL, apiKey: try credentials.value(of: profile.xpayAPIKey, named: "xpay_api_key"),
                  transport: transport ?? CurlTransport(proxy: profile.proxy), timeouts: Timeouts(profile: profile))
    }
}

extension PraxisClient {
    public init(profile: Profile, credentials: Credentials, transport: HTTPTransport? = nil) throws {
        self.init(baseURL: profile.praxisURL,
                  merchantId: try credentials.value(of: profile.praxisMerchantID, named: "praxis_merchant_id"),
                  applicationKey: try credentials.value(of: profile.praxisApplicationKey, named: "praxis_application_key"),
                  secret: try credentials.value(of: profile.praxisSecret, named: "praxis_secret"),
                  version: profile.praxisVersion, transport: transport ?? CurlTransport(proxy: profile.proxy), timeouts: Timeouts(profile: profile),
                  confirm: profile.praxisConfirm)
    }
}
