import Foundation
import Testing
@testable import PaydeskCore

// Tests for PaydeskPaths, PaydeskConfig, Profile, Credentials, FilePermissions and GatewayURL.
// Every environment is passed explicitly; every file lives in a fresh temporary directory.

/// Runs `body` with a fresh temporary directory that stays alive (and on disk) until `body` returns.
private func configTemp<T>(_ body: (TemporaryDirectory) throws -> T) rethrows -> T {
    let dir = TemporaryDirectory("paydesk-config-test")
    return try withExtendedLifetime(dir) { try body(dir) }
}

/// Paths whose config directory is `dir`.
private func configPaths(_ dir: TemporaryDirectory) -> PaydeskPaths {
    PaydeskPaths(configDirectory: dir.path, dataRoot: dir.path + "/data")
}

/// Writes `text` as `config.toml` in `dir` (mode 0600 unless told) and loads it.
private func configLoad(_ dir: TemporaryDirectory, _ text: String, mode: Int = 0o600,
                        environment: [String: String] = [:]) throws -> PaydeskConfig {
    dir.write("config.toml", text, mode: mode)
    return try PaydeskConfig.load(paths: configPaths(dir), environment: environment)
}

/// The error loading `text` as config.toml throws, or nil (after recording a failure) if it loads.
private func configLoadError(_ text: String, mode: Int = 0o600, environment: [String: String] = [:],
                             sourceLocation: SourceLocation = #_sourceLocation) -> (error: PaydeskError, file: String)? {
    configTemp { dir in
        let error = #expect(throws: PaydeskError.self, sourceLocation: sourceLocation) {
            try configLoad(dir, text, mode: mode, environment: environment)
        }
        return error.map { ($0, dir.file("config.toml")) }
    }
}

private func configIsConfigError(_ error: PaydeskError) -> Bool {
    if case .config = error { return true }
    return false
}

/// A minimal valid profile table, so a test adds only the key it is about.
private let configMinimalTest = """
    [profiles.TEST]
    production = false

    """

private let configSecretValue = "sk_live_TOPSECRET_9f8e7d"

// MARK: - PaydeskPaths

extension PaydeskTests {
@Suite struct ConfigPathsTests {
    let fullEnvironment = [
        "HOME": "/home/u", "PAYDESK_HOME": "/env/paydesk",
        "XDG_CONFIG_HOME": "/xdg/config", "XDG_DATA_HOME": "/xdg/data",
    ]

    @Test func homeOptionWinsOverPaydeskHomeAndXDG() throws {
        let paths = try PaydeskPaths.resolve(home: "/srv/pd", environment: fullEnvironment, currentDirectory: "/cwd")
        #expect(paths.configDirectory == "/srv/pd")
        #expect(paths.dataRoot == "/srv/pd/data")
        #expect(paths.configFile == "/srv/pd/config.toml")
        #expect(paths.themesDirectory == "/srv/pd/themes")
        #expect(paths.dataDirectory(profile: "TEST") == "/srv/pd/data/TEST")
        #expect(paths.dataDirectory(profile: "PROD") == "/srv/pd/data/PROD")
    }

    @Test func paydeskHomeWinsOverXDG() throws {
        let paths = try PaydeskPaths.resolve(home: nil, environment: fullEnvironment, currentDirectory: "/cwd")
        #expect(paths == PaydeskPaths(configDirectory: "/env/paydesk", dataRoot: "/env/paydesk/data", home: "/env/paydesk"))
        #expect(paths.dataDirectory(profile: "STAGING") == "/env/paydesk/data/STAGING")
    }

    @Test func emptyPaydeskHomeIsIgnored() throws {
        let paths = try PaydeskPaths.resolve(home: nil, environment: ["HOME": "/home/u", "PAYDESK_HOME": ""],
                                             currentDirectory: "/cwd")
        #expect(paths.configDirectory == "/home/u/.config/paydesk")
    }

    @Test func xdgDefaultsUnderHome() throws {
        let paths = try PaydeskPaths.resolve(home: nil, environment: ["HOME": "/home/u"], currentDirectory: "/cwd")
        #expect(paths.configDirectory == "/home/u/.config/paydesk")
        #expect(paths.configFile == "/home/u/.config/paydesk/config.toml")
        #expect(paths.themesDirectory == "/home/u/.config/paydesk/themes")
        #expect(paths.dataRoot == "/home/u/.local/share/paydesk")
        #expect(paths.dataDirectory(profile: "TEST") == "/home/u/.local/share/paydesk/TEST")
    }

    @Test func absoluteXDGValuesAreUsed() throws {
        var env = fullEnvironment
        env["PAYDESK_HOME"] = nil
        let paths = try PaydeskPaths.resolve(home: nil, environment: env, currentDirectory: "/cwd")
        #expect(paths.configDirectory == "/xdg/config/paydesk")
        #expect(paths.dataDirectory(profile: "PROD") == "/xdg/data/paydesk/PROD")
    }

    @Test func xdgAloneIsEnoughWithoutHome() throws {
        let paths = try PaydeskPaths.resolve(home: nil, environment: ["XDG_CONFIG_HOME": "/c", "XDG_DATA_HOME": "/d"],
                                             currentDirectory: "/cwd")
        #expect(paths == PaydeskPaths(configDirectory: "/c/paydesk", dataRoot: "/d/paydesk"))
    }

    @Test(arguments: ["relative/config", "./config", "~/config", ""])
    func relativeXDGValuesAreIgnored(_ value: String) throws {
        let paths = try PaydeskPaths.resolve(home: nil, environment: ["HOME": "/home/u", "XDG_CONFIG_HOME": value,
                                                                      "XDG_DATA_HOME": value], currentDirectory: "/cwd")
        #expect(paths.configDirectory == "/home/u/.config/paydesk")
        #expect(paths.dataRoot == "/home/u/.local/share/paydesk")
    }

    @Test(arguments: [
        ("pd", "/work/x/pd"),
        ("./pd/", "/work/x/pd"),
        ("../pd", "/work/pd"),
        ("a/b/../c", "/work/x/a/c"),
        ("/abs//pd/", "/abs/pd"),
    ])
    func relativeHomeIsMadeAbsoluteAgainstCurrentDirectory(_ home: String, _ expected: String) throws {
        let fromOption = try PaydeskPaths.resolve(home: home, environment: [:], currentDirectory: "/work/x")
        #expect(fromOption.configDirectory == expected)
        #expect(fromOption.dataRoot == expected + "/data")
        let fromEnvironment = try PaydeskPaths.resolve(home: nil, environment: ["PAYDESK_HOME": home], currentDirectory: "/work/x")
        #expect(fromEnvironment == fromOption)
    }

    @Test(arguments: [
        [String: String](),
        ["HOME": ""],
        ["HOME": "home/u"],
        ["PAYDESK_HOME": ""],
        ["XDG_CONFIG_HOME": "/c"],
        ["XDG_DATA_HOME": "/d"],
        ["XDG_CONFIG_HOME": "relative", "XDG_DATA_HOME": "relative"],
    ])
    func noUsableHomeIsAConfigError(_ environment: [String: String]) {
        let error = #expect(throws: PaydeskError.self) {
            try PaydeskPaths.resolve(home: nil, environment: environment, currentDirectory: "/cwd")
        }
        guard let error else { return }
        #expect(configIsConfigError(error))
        #expect(error.exitCode == 2)
        #expect(error.description.contains("HOME"))
        #expect(error.description.contains("--home"))
    }

    /// `~` follows the HOME paydesk was given, as the XDG fallback does.
    @Test func tildeInPaydeskHomeFollowsTheGivenHome() throws {
        let paths = try PaydeskPaths.resolve(home: nil, environment: ["HOME": "/config-test-home", "PAYDESK_HOME": "~/pd"],
                                             currentDirectory: "/cwd")
        #expect(paths.configDirectory == "/config-test-home/pd")
    }
}
}

// MARK: - PaydeskConfig without a config file

extension PaydeskTests {
@Suite struct ConfigBuiltInTests {
    @Test func noConfigFileGivesBuiltInTestAndProd() throws {
        try configTemp { dir throws in
            let config = try PaydeskConfig.load(paths: configPaths(dir), environment: ["USER": "alice"])
            #expect(config.file == nil)
            #expect(config.profiles.map(\.name) == ["PROD", "TEST"])
            #expect(config.defaultProfile == "TEST")
            #expect(config.theme == "default")
            #expect(config.operatorName == Origin.account(), "the system's account, not $USER")

            let test = try config.profile(named: nil)
            #expect(test.name == "TEST")
            #expect(!test.production)
            #expect(!test.readOnly)
            #expect(test.xpayURL == Profile.xpaySandboxURL)
            #expect(test.praxisURL == Profile.praxisSandboxURL)
            #expect(test.praxisVersion == "1.2")

            let prod = try config.profile(named: "PROD")
            #expect(prod.production)
            #expect(prod.xpayURL == Profile.xpayProductionURL)
            #expect(prod.praxisURL == Profile.praxisProductionURL)
        }
    }

    @Test func seedURLsAreTheDocumentedOnes() {
        #expect(Profile.xpayProductionURL == "https://xpay.nexigroup.com/api/phoenix-0.0/psp/api/v1")
        #expect(Profile.xpaySandboxURL == "https://xpaysandbox.nexigroup.com/api/phoenix-0.0/psp/api/v1")
        #expect(Profile.praxisProductionURL == "https://gw.praxisgate.com")
        #expect(Profile.praxisSandboxURL == "https://pci-gw-test.praxispay.com")
        // The production seeds are what the production-host check knows, the sandbox seeds are not.
        #expect(GatewayURL.isKnownProductionHost(Profile.xpayProductionURL))
        #expect(GatewayURL.isKnownProductionHost(Profile.praxisProductionURL))
        #expect(!GatewayURL.isKnownProductionHost(Profile.xpaySandboxURL))
        #expect(!GatewayURL.isKnownProductionHost(Profile.praxisSandboxURL))
    }

    @Test(arguments: ["TEST", "PROD"])
    func builtInCredentialsComeFromProfileEnvironmentVariables(_ name: String) throws {
        try configTemp { dir throws in
            let config = try PaydeskConfig.load(paths: configPaths(dir), environment: [:])
            let profile = try config.profile(named: name)
            #expect(profile.xpayAPIKey == .environment("PAYDESK_\(name)_XPAY_API_KEY"))
            #expect(profile.praxisMerchantID == .environment("PAYDESK_\(name)_PRAXIS_MERCHANT_ID"))
            #expect(profile.praxisApplicationKey == .environment("PAYDESK_\(name)_PRAXIS_APPLICATION_KEY"))
            #expect(profile.praxisSecret == .environment("PAYDESK_\(name)_PRAXIS_SECRET"))
            #expect(profile.credentials.map(\.name) == ["xpay_api_key", "praxis_merchant_id", "praxis_application_key", "praxis_secret"])

            let credentials = Credentials(environment: [
                "PAYDESK_\(name)_XPAY_API_KEY": "key-\(name)",
                "PAYDESK_\(name)_PRAXIS_MERCHANT_ID": "merchant-\(name)",
                "PAYDESK_\(name)_PRAXIS_APPLICATION_KEY": "app-\(name)",
                "PAYDESK_\(name)_PRAXIS_SECRET": "secret-\(name)",
            ])
            #expect(try credentials.value(of: profile.xpayAPIKey, named: "xpay_api_key").reveal() == "key-\(name)")
            #expect(try credentials.value(of: profile.praxisMerchantID, named: "praxis_merchant_id").reveal() == "merchant-\(name)")
            #expect(try credentials.value(of: profile.praxisApplicationKey, named: "praxis_application_key").reveal() == "app-\(name)")
            #expect(try credentials.value(of: profile.praxisSecret, named: "praxis_secret").reveal() == "secret-\(name)")
        }
    }

    @Test(arguments: [
        ([String: String](), "unknown"),
        (["USER": "alice", "LOGNAME": "bob"], "alice"),
        (["USER": "", "LOGNAME": "bob"], "bob"),
        (["LOGNAME": "bob"], "bob"),
        (["USER": "", "LOGNAME": ""], "unknown"),
    ])
    func theOperatorIsTheSystemsAccountWhateverTheEnvironmentSays(_ environment: [String: String], _ claimed: String) throws {
        try configTemp { dir throws in
            let account = Origin.account()
            #expect(try PaydeskConfig.load(paths: configPaths(dir), environment: environment).operatorName == account)
            #expect(account != claimed, "the environment claimed \(claimed)")
        }
    }

    @Test func unknownProfileListsTheBuiltInOnesAndSuggestsCase() throws {
        try configTemp { dir throws in
            let config = try PaydeskConfig.load(paths: configPaths(dir), environment: [:])
            let error = #expect(throws: PaydeskError.self) { try config.profile(named: "STAGING") }
            #expect(error.map(configIsConfigError) == true)
            #expect(error?.description.contains("\"STAGING\"") == true)
            #expect(error?.description.contains("PROD, TEST") == true)
            #expect(error?.description.contains("built in") == true)
            #expect(error?.description.contains(dir.file("config.toml")) == true)
            #expect(error?.description.contains("did you mean") == false)

            let caseError = #expect(throws: PaydeskError.self) { try config.profile(named: "prod") }
            #expect(caseError?.description.contains("did you mean PROD?") == true)
        }
    }
}
}

// MARK: - PaydeskConfig with a config file

extension PaydeskTests {
@Suite struct ConfigFileTests {
    /// The issue's example, with the secret file placed in `dir`.
    func exampleConfig(secretFile: String) -> String {
        """
        default_profile = "TEST"
        theme = "default"
        [profiles.TEST]
        production = false
        read_only = false
        xpay_url = "http://127.0.0.1:8080/api/phoenix-0.0/psp/api/v1"
        xpay_api_key_env = "MY_TEST_KEY"
        praxis_url = "https://pci-gw-test.praxispay.com"
        praxis_merchant_id = "Test-Integration-Merchant"
        praxis_application_key = "Sandbox"
        praxis_secret_file = "\(secretFile)"
        praxis_version = "1.2"
        [profiles.PROD]
        production = true
        """
    }

    @Test func parsesTheExampleConfig() throws {
        try configTemp { dir throws in
            let secretFile = dir.write("praxis-secret", "praxis-s3cret\n", mode: 0o600)
            let config = try configLoad(dir, exampleConfig(secretFile: secretFile), environment: ["USER": "alice"])
            #expect(config.file == dir.file("config.toml"))
            #expect(config.profiles.map(\.name) == ["PROD", "TEST"])
            #expect(config.defaultProfile == "TEST")
            #expect(config.theme == "default")
            #expect(config.operatorName == Origin.account())
            #expect(config.displayName == nil, "$USER is no name paydesk records")

            let test = try config.profile(named: nil)
            #expect(test.name == "TEST")
            #expect(!test.production)
            #expect(!test.readOnly)
            #expect(test.xpayURL == "http://127.0.0.1:8080/api/phoenix-0.0/psp/api/v1")
            #expect(test.praxisURL == "https://pci-gw-test.praxispay.com")
            #expect(test.praxisVersion == "1.2")
            #expect(test.theme == nil)
            #expect(test.xpayAPIKey == .environment("MY_TEST_KEY"))
            #expect(test.praxisMerchantID == .inline("Test-Integration-Merchant"))
            #expect(test.praxisApplicationKey == .inline("Sandbox"))
            #expect(test.praxisSecret == .file(secretFile))

            let prod = try config.profile(named: "PROD")
            #expect(prod.production)
            #expect(prod.xpayURL == Profile.xpayProductionURL)
            #expect(prod.praxisURL == Profile.praxisProductionURL)
            #expect(prod.xpayAPIKey == .environment("PAYDESK_PROD_XPAY_API_KEY"))
            #expect(prod.praxisSecret == .environment("PAYDESK_PROD_PRAXIS_SECRET"))
        }
    }

    @Test func exampleConfigCredentialsResolve() throws {
        try configTemp { dir throws in
            let secretFile = dir.write("praxis-secret", "praxis-s3cret\n", mode: 0o600)
            let config = try configLoad(dir, exampleConfig(secretFile: secretFile))
            let test = try config.profile(named: "TEST")
            let credentials = Credentials(environment: ["MY_TEST_KEY": "xpay-k3y", "PAYDESK_TEST_XPAY_API_KEY": "wrong"])
            #expect(try credentials.value(of: test.xpayAPIKey, named: "xpay_api_key").reveal() == "xpay-k3y")
            #expect(try credentials.value(of: test.praxisMerchantID, named: "praxis_merchant_id").reveal() == "Test-Integration-Merchant")
            #expect(try credentials.value(of: test.praxisApplicationKey, named: "praxis_application_key").reveal() == "Sandbox")
            #expect(try credentials.value(of: test.praxisSecret, named: "praxis_secret").reveal() == "praxis-s3cret")
            for (name, source) in test.credentials {
                #expect(credentials.status(of: source, named: name) == .present, "\(name)")
            }
        }
    }

    @Test func profileKeysAreParsed() throws {
        try configTemp { dir throws in
            let config = try configLoad(dir, """
                default_profile = "STAGING"
                theme = "dark"
                [profiles.STAGING]
                read_only = true
                theme = "amber"
                praxis_version = "1.3"
                xpay_api_key_file = "/run/keys/xpay"
                praxis_secret_env = "STAGING_PRAXIS"
                """)
            #expect(config.theme == "dark")
            let staging = try config.profile(named: nil)
            #expect(staging.name == "STAGING")
            #expect(!staging.production)
            #expect(staging.readOnly)
            #expect(staging.theme == "amber")
            #expect(staging.praxisVersion == "1.3")
            #expect(staging.xpayURL == Profile.xpaySandboxURL)
            #expect(staging.praxisURL == Profile.praxisSandboxURL)
            #expect(staging.xpayAPIKey == .file("/run/keys/xpay"))
            #expect(staging.praxisSecret == .environment("STAGING_PRAXIS"))
        }
    }

    @Test func missingCredentialSourcesFallBackToProfileEnvironmentNames() throws {
        try configTemp { dir throws in
            let config = try configLoad(dir, """
                default_profile = "staging-eu"
                [profiles.staging-eu]
                production = false
                """)
            let profile = try config.profile(named: "staging-eu")
            #expect(Profile.environmentPrefix("staging-eu") == "PAYDESK_STAGING_EU_")
            #expect(profile.xpayAPIKey == .environment("PAYDESK_STAGING_EU_XPAY_API_KEY"))
            #expect(profile.praxisMerchantID == .environment("PAYDESK_STAGING_EU_PRAXIS_MERCHANT_ID"))
            #expect(profile.praxisApplicationKey == .environment("PAYDESK_STAGING_EU_PRAXIS_APPLICATION_KEY"))
            #expect(profile.praxisSecret == .environment("PAYDESK_STAGING_EU_PRAXIS_SECRET"))
        }
    }

    @Test func productionProfileDefaultsToProductionURLsAndNonProductionToSandbox() throws {
        try configTemp { dir throws in
            let config = try configLoad(dir, """
                [profiles.LIVE]
                production = true
                [profiles.TEST]
                """)
            #expect(config.defaultProfile == "TEST")
            let live = try config.profile(named: "LIVE")
            #expect(live.xpayURL == Profile.xpayProductionURL)
            #expect(live.praxisURL == Profile.praxisProductionURL)
            let test = try config.profile(named: "TEST")
            #expect(!test.production)
            #expect(test.xpayURL == Profile.xpaySandboxURL)
        }
    }

    @Test func trailingSlashesAreTrimmedFromURLs() throws {
        try configTemp { dir throws in
            let config = try configLoad(dir, configMinimalTest + """
                xpay_url = "https://xpay.example.com/api/v1///"
                praxis_url = "https://praxis.example.com/"
                """)
            let test = try config.profile(named: "TEST")
            #expect(test.xpayURL == "https://xpay.example.com/api/v1")
            #expect(test.praxisURL == "https://praxis.example.com")
        }
    }

    @Test(arguments: ["xpay_api_key", "praxis_secret"])
    func envAndFileForTheSameSecretAreRefused(_ key: String) {
        guard let (error, file) = configLoadError(configMinimalTest + """
            \(key)_env = "SOME_VAR"
            \(key)_file = "/some/file"
            """) else { return }
        #expect(configIsConfigError(error))
        #expect(error.description.hasPrefix(file + ": "))
        #expect(error.description.contains("profiles.TEST.\(key)_env and \(key)_file are both set"))
    }

    @Test(arguments: [
        ("xpay_api_key", "xpay_api_key_file"),
        ("praxis_secret", "praxis_secret_file"),
        ("api_key", "xpay_api_key_file"),
        ("secret", "praxis_secret_file"),
    ])
    func inlineSecretsAreRefusedWithoutEchoingTheValue(_ key: String, _ fix: String) {
        guard let (error, _) = configLoadError(configMinimalTest + "\(key) = \"\(configSecretValue)\"\n") else { return }
        #expect(configIsConfigError(error))
        #expect(error.description.contains("profiles.TEST.\(key)"))
        #expect(error.description.contains(fix))
        #expect(!error.description.contains(configSecretValue))
        #expect(!error.description.contains("TOPSECRET"))
    }

    @Test func inlineSecretAtTopLevelIsRefusedWithoutEchoingTheValue() {
        guard let (error, _) = configLoadError("xpay_api_key = \"\(configSecretValue)\"\n" + configMinimalTest) else { return }
        #expect(error.description.contains("xpay_api_key"))
        #expect(!error.description.contains(configSecretValue))
    }

    @Test func unknownTopLevelKeyIsRefusedByName() {
        guard let (error, file) = configLoadError("colour = \"blue\"\n" + configMinimalTest) else { return }
        #expect(configIsConfigError(error))
        #expect(error.description.hasPrefix(file + ": "))
        #expect(error.description.contains("unknown key colour"))
        #expect(error.description.contains("default_profile"))
    }

    @Test func mouseIsOnUnlessTheConfigTurnsItOff() throws {
        try configTemp { dir in
            let plain = try configLoad(dir, configMinimalTest)
            #expect(plain.mouse)
            let off = try configLoad(dir, "mouse = false\n" + configMinimalTest)
            #expect(!off.mouse)
        }
        guard let (error, _) = configLoadError("mouse = \"off\"\n" + configMinimalTest) else { return }
        #expect(error.description.contains("mouse must be true or false"))
    }

    @Test func unknownProfileKeyIsRefusedByName() {
        guard let (error, _) = configLoadError(configMinimalTest + "xpay_ur = \"https://x.example.com\"\n") else { return }
        #expect(error.description.contains("unknown key profiles.TEST.xpay_ur"))
        #expect(error.description.contains("xpay_url"))
    }

    @Test func defaultProfileMustExist() {
        guard let (error, _) = configLoadError("default_profile = \"STAGING\"\n" + configMinimalTest + """
            [profiles.PROD]
            production = true
            """) else { return }
        #expect(configIsConfigError(error))
        #expect(error.description.contains("default_profile \"STAGING\" is not a profile"))
        #expect(error.description.contains("PROD, TEST"))
    }

    @Test func defaultProfileMustNotBeProduction() {
        guard let (error, _) = configLoadError("default_profile = \"PROD\"\n" + configMinimalTest + """
            [profiles.PROD]
            production = true
            """) else { return }
        #expect(configIsConfigError(error))
        #expect(error.description.contains("default_profile \"PROD\" is a production profile"))
    }

    @Test func withoutDefaultProfileTESTIsChosenWhenPresent() throws {
        try configTemp { dir throws in
            let config = try configLoad(dir, """
                [profiles.ALPHA]
                [profiles.TEST]
                [profiles.ZULU]
                """)
            #expect(config.defaultProfile == "TEST")
            #expect(try config.profile(named: nil).name == "TEST")
        }
    }

    @Test func withoutDefaultProfileTheOnlyProfileIsChosen() throws {
        try configTemp { dir throws in
            let config = try configLoad(dir, "[profiles.STAGING]\n")
            #expect(config.defaultProfile == "STAGING")
            #expect(config.profiles.map(\.name) == ["STAGING"])
        }
    }

    @Test func withoutDefaultProfileSeveralProfilesAndNoTESTIsAnError() {
        guard let (error, _) = configLoadError("[profiles.ALPHA]\n[profiles.BETA]\n") else { return }
        #expect(configIsConfigError(error))
        #expect(error.description.contains("default_profile"))
        #expect(error.description.contains("ALPHA, BETA"))
    }

    @Test func withoutDefaultProfileTheOnlyProfileMustNotBeProduction() {
        guard let (error, _) = configLoadError("[profiles.LIVE]\nproduction = true\n") else { return }
        #expect(error.description.contains("production profile"))
    }

    @Test(arguments: [
        "[profiles]\n",
        "theme = \"default\"\n",
        "",
    ])
    func aConfigWithoutProfilesIsRefused(_ text: String) {
        guard let (error, _) = configLoadError(text) else { return }
        #expect(configIsConfigError(error))
        #expect(error.description.contains("no profiles"))
    }

    @Test(arguments: [
        "\"has space\"", "\"../evil\"", "\"a/b\"", "\"-dash\"", "\"_under\"", "\"é\"", "\"\"",
        "\"" + String(repeating: "A", count: 65) + "\"",
    ])
    func invalidProfileNamesAreRefused(_ quotedName: String) {
        guard let (error, _) = configLoadError("[profiles.\(quotedName)]\n") else { return }
        #expect(configIsConfigError(error))
        #expect(error.description.contains("profile name"))
        #expect(error.description.contains("letters, digits"))
    }

    @Test func profileNameRules() {
        for valid in ["TEST", "prod", "Staging-EU_2", "9lives", String(repeating: "A", count: 64)] {
            #expect(Profile.isValidName(valid), "\(valid)")
        }
        for invalid in ["", "-x", "_x", "a b", "a.b", "a/b", "..", "é", "ＴＥＳＴ", String(repeating: "A", count: 65)] {
            #expect(!Profile.isValidName(invalid), "\(invalid)")
        }
    }

    @Test(arguments: [
        "http://127.0.0.1:8080/api",
        "http://127.255.3.4/",
        "http://localhost:9000",
        "http://LOCALHOST/x",
        "http://[::1]:8080/x",
        "https://xpay.example.com/api",
        "HTTPS://praxis.example.com",
    ])
    func acceptedGatewayURLs(_ url: String) throws {
        #expect(GatewayURL.problem(url) == nil)
        try configTemp { dir throws in
            let config = try configLoad(dir, configMinimalTest + "xpay_url = \"\(url)\"\npraxis_url = \"\(url)\"\n")
            #expect(try config.profile(named: "TEST").xpayURL == GatewayURL.trimmed(url))
        }
    }

    @Test(arguments: [
        ("http://127.0.0.1.evil.com/api", "http:// is allowed only"),
        ("http://example.com/api", "http:// is allowed only"),
        ("http://10.0.0.1/", "http:// is allowed only"),
        ("http://128.0.0.1/", "http:// is allowed only"),
        ("http://localhost.evil.com/", "http:// is allowed only"),
        ("ftp://127.0.0.1/", "scheme must be https://"),
        ("file:///etc/passwd", "not a URL"),
        ("ws://localhost/", "scheme must be https://"),
        ("not a url", "not a URL"),
        ("https://", "not a URL"),
        ("https://user@xpay.example.com/", "must not carry a user or password"),
    ])
    func refusedGatewayURLs(_ url: String, _ reason: String) {
        #expect(GatewayURL.problem(url)?.contains(reason) == true)
        guard let (error, _) = configLoadError(configMinimalTest + "xpay_url = \"\(url)\"\n") else { return }
        #expect(configIsConfigError(error))
        #expect(error.description.contains("profiles.TEST.xpay_url"))
        #expect(error.description.contains(reason))
    }

    @Test(arguments: [
        "127.0.0.1", "127.0.0.255", "127.1.2.3", "localhost", "LocalHost", "::1", "[::1]", "0:0:0:0:0:0:0:1",
    ])
    func loopbackHosts(_ host: String) {
        #expect(GatewayURL.isLoopback(host))
    }

    @Test(arguments: [
        "127.0.0.1.evil.com", "evil.127.0.0.1", "127.0.0", "127.0.0.1.1", "127.0.0.256", "127.0.0.1000", "127..0.1", "128.0.0.1",
        "10.0.0.1", "0.0.0.0", "localhost.evil.com", "::2", "", "127.0.0.-1", "127.0.0.1 ",
    ])
    func notLoopbackHosts(_ host: String) {
        #expect(!GatewayURL.isLoopback(host))
    }

    @Test(arguments: [
        ("xpay_url", "https://xpay.nexigroup.com/api/phoenix-0.0/psp/api/v1"),
        ("xpay_url", "https://XPAY.NexiGroup.com:443/api"),
        ("praxis_url", "https://gw.praxisgate.com"),
        ("praxis_url", "https://GW.PRAXISGATE.COM/"),
    ])
    func nonProductionProfileAtAProductionHostIsRefused(_ key: String, _ url: String) throws {
        guard let (error, _) = configLoadError(configMinimalTest + "\(key) = \"\(url)\"\n") else { return }
        #expect(configIsConfigError(error))
        #expect(error.description.contains("profiles.TEST.\(key) points at a production gateway"))
        #expect(error.description.contains("production = true"))
        // The same URL is fine on a production profile.
        try configTemp { dir throws in
            let config = try configLoad(dir, configMinimalTest + "[profiles.LIVE]\nproduction = true\n\(key) = \"\(url)\"\n")
            #expect(try config.profile(named: "LIVE").production)
        }
    }

    /// The fully-qualified form with a trailing dot (`xpay.nexigroup.com.`) reaches the same production gateway.
    @Test func productionHostWithTrailingDotIsStillProduction() {
            #expect(GatewayURL.isKnownProductionHost("https://xpay.nexigroup.com./api/phoenix-0.0/psp/api/v1"))
        #expect(GatewayURL.isKnownProductionHost("https://gw.praxisgate.com./"))
    }

    /// A malformed URL may carry a password: the message must not repeat it.
    @Test func urlPasswordIsNotEchoedInErrors() {
        let url = "https://user:\(configSecretValue)@"
        let problem = GatewayURL.problem(url)
        #expect(problem != nil)
            #expect(problem?.contains(configSecretValue) == false)
        // A URL with a host is refused without echoing it.
        let withHost = GatewayURL.problem("https://user:\(configSecretValue)@xpay.example.com/")
        #expect(withHost?.contains("user or password") == true)
        #expect(withHost?.contains(configSecretValue) == false)
    }

    @Test(arguments: [0o640, 0o604, 0o620, 0o602, 0o644, 0o666, 0o660, 0o700 | 0o004])
    func configFileOpenToGroupOrOthersIsRefused(_ mode: Int) {
        guard let (error, file) = configLoadError(configMinimalTest, mode: mode) else { return }
        #expect(configIsConfigError(error))
        #expect(error.exitCode == 2)
        #expect(error.description.contains("config file \(file)"))
        #expect(error.description.contains("chmod 600 \(file)"))
        #expect(error.description.contains(String(mode & 0o777, radix: 8)))
    }

    @Test(arguments: [0o600, 0o400, 0o700])
    func privateConfigFileIsAccepted(_ mode: Int) throws {
        try configTemp { dir throws in
            #expect(try configLoad(dir, configMinimalTest, mode: mode).profiles.map(\.name) == ["TEST"])
        }
    }

    @Test func configFileThatIsADirectoryIsRefused() throws {
        try configTemp { dir throws in
            try FileManager.default.createDirectory(atPath: dir.file("config.toml"), withIntermediateDirectories: true)
            chmod(dir.file("config.toml"), 0o700)
            let error = #expect(throws: PaydeskError.self) {
                try PaydeskConfig.load(paths: configPaths(dir), environment: [:])
            }
            #expect(error?.description.contains("not a regular file") == true)
        }
    }

    @Test(arguments: [
        ("[profiles.TEST\nproduction = false\n", 1),
        ("default_profile = \"TEST\"\n[profiles.TEST]\nproduction = \n", 3),
        ("[profiles.TEST]\nproduction = false\nproduction = true\n", 3),
        ("theme = \"unterminated\n[profiles.TEST]\n", 1),
    ])
    func malformedTOMLIsAConfigErrorWithLineAndColumn(_ text: String, _ line: Int) throws {
        guard let (error, file) = configLoadError(text) else { return }
        #expect(configIsConfigError(error))
        #expect(error.description.contains("not valid TOML"))
        let prefix = "\(file):\(line):"
        #expect(error.description.hasPrefix(prefix), "\(error.description)")
        // A column follows the line: digits, then ':'.
        let rest = error.description.dropFirst(prefix.count)
        let column = rest.prefix { $0.isNumber }
        #expect(!column.isEmpty && rest.dropFirst(column.count).hasPrefix(":"), "\(error.description)")
        #expect((Int(column) ?? 0) >= 1)
    }

    @Test func theOperatorKeyIsANameShownBesideTheAccount() throws {
        try configTemp { dir throws in
            let withKey = try configLoad(dir, "operator = \"carol\"\n" + configMinimalTest, environment: ["USER": "alice"])
            #expect(withKey.operatorName == Origin.account(), "a configured name proves nothing")
            #expect(withKey.displayName == "carol")
            let withoutKey = try configLoad(dir, configMinimalTest, environment: ["USER": "alice"])
            #expect(withoutKey.operatorName == Origin.account())
            #expect(withoutKey.displayName == nil)
        }
    }

    @Test(arguments: [
        ("operator = \"\"\n" + configMinimalTest, "operator must be a non-empty string"),
        ("operator = 7\n" + configMinimalTest, "operator must be a non-empty string"),
        ("default_profile = 1\n" + configMinimalTest, "default_profile must be a string"),
        ("theme = true\n" + configMinimalTest, "theme must be a non-empty string"),
        ("[profiles.TEST]\nproduction = \"no\"\n", "profiles.TEST.production must be true or false"),
        ("[profiles.TEST]\nread_only = 1\n", "profiles.TEST.read_only must be true or false"),
        ("[profiles.TEST]\nxpay_url = 5\n", "profiles.TEST.xpay_url must be a non-empty string"),
        ("[profiles.TEST]\npraxis_merchant_id = \"\"\n", "profiles.TEST.praxis_merchant_id must be a non-empty string"),
        ("[profiles.TEST]\nxpay_api_key_env = \"\"\n", "profiles.TEST.xpay_api_key_env must be a non-empty string"),
        ("profiles = 3\n", "no profiles"),
        ("[profiles]\nTEST = 5\n", "profiles.TEST must be a table"),
    ])
    func wrongValueTypesAreRefused(_ text: String, _ message: String) {
        guard let (error, _) = configLoadError(text) else { return }
        #expect(configIsConfigError(error))
        #expect(error.description.contains(message), "\(error.description)")
    }

    @Test func unknownProfileNameListsTheFileProfilesAndSuggestsCase() throws {
        try configTemp { dir throws in
            let config = try configLoad(dir, configMinimalTest + "[profiles.PROD]\nproduction = true\n")
            #expect(try config.profile(named: "PROD").name == "PROD")
            let error = #expect(throws: PaydeskError.self) { try config.profile(named: "STAGING") }
            #expect(error.map(configIsConfigError) == true)
            #expect(error?.description.contains("no profile named \"STAGING\"") == true)
            #expect(error?.description.contains("in \(dir.file("config.toml"))") == true)
            #expect(error?.description.contains("PROD, TEST") == true)
            #expect(error?.description.contains("did you mean") == false)

            let caseError = #expect(throws: PaydeskError.self) { try config.profile(named: "test") }
            #expect(caseError?.description.contains("no profile named \"test\" (did you mean TEST?)") == true)
        }
    }
}
}

// MARK: - Credentials and Secret

extension PaydeskTests {
@Suite struct ConfigCredentialsTests {
    @Test func environmentValueIsReadAndTrimmed() throws {
        let credentials = Credentials(environment: ["KEY": "  abc123\n", "OTHER": "x"])
        let secret = try credentials.value(of: .environment("KEY"), named: "xpay_api_key")
        #expect(secret.reveal() == "abc123")
        #expect(credentials.status(of: .environment("KEY"), named: "xpay_api_key") == .present)
    }

    @Test(arguments: [[String: String](), ["KEY": ""], ["OTHER_KEY": "value"]])
    func missingOrEmptyEnvironmentVariable(_ environment: [String: String]) {
        let credentials = Credentials(environment: environment)
        let error = #expect(throws: PaydeskError.self) {
            try credentials.value(of: .environment("KEY"), named: "xpay_api_key")
        }
        #expect(error.map(configIsConfigError) == true)
        #expect(error?.description.contains("xpay_api_key is not set: export KEY") == true)
        #expect(error?.description.contains("xpay_api_key_file") == true)
        #expect(credentials.status(of: .environment("KEY"), named: "xpay_api_key") == .missing("set $KEY"))
        #expect(CredentialStatus.missing("set $KEY").description == "missing (set $KEY)")
    }

    @Test func whitespaceOnlyEnvironmentValueIsNotAValue() {
        let credentials = Credentials(environment: ["KEY": " \n\t"])
        #expect(throws: PaydeskError.self) { try credentials.value(of: .environment("KEY"), named: "praxis_secret") }
        #expect(credentials.status(of: .environment("KEY"), named: "praxis_secret") == .missing("set $KEY"))
    }

    @Test(arguments: ["s3cr3t-value\n", "s3cr3t-value", "s3cr3t-value\r\n", "\ns3cr3t-value \n\n"])
    func secretFileIsReadAndTrimmed(_ content: String) throws {
        try configTemp { dir throws in
            let path = dir.write("secret", content, mode: 0o600)
            let credentials = Credentials(environment: [:])
            #expect(try credentials.value(of: .file(path), named: "praxis_secret").reveal() == "s3cr3t-value")
            #expect(credentials.status(of: .file(path), named: "praxis_secret") == .present)
        }
    }

    @Test(arguments: [0o640, 0o604, 0o660, 0o644, 0o606, 0o620, 0o602, 0o400 | 0o040])
    func secretFileOpenToGroupOrOthersIsRefused(_ mode: Int) throws {
        try configTemp { dir throws in
            let path = dir.write("secret", configSecretValue + "\n", mode: mode)
            let credentials = Credentials(environment: [:])
            let error = #expect(throws: PaydeskError.self) {
                try credentials.value(of: .file(path), named: "praxis_secret")
            }
            #expect(error.map(configIsConfigError) == true)
            #expect(error?.description.contains("praxis_secret file \(path)") == true)
            #expect(error?.description.contains("chmod 600 \(path)") == true)
            #expect(error?.description.contains(configSecretValue) == false)

            let status = credentials.status(of: .file(path), named: "praxis_secret")
            guard case .refused(let why) = status else {
                Issue.record("expected refused, got \(status)")
                return
            }
            #expect(why.contains("chmod 600 \(path)"))
            #expect(!why.contains(configSecretValue))
            #expect(!status.description.contains(configSecretValue))
            #expect(status.description.hasPrefix("refused ("))
        }
    }

    @Test(arguments: ["", "\n", "  \n\t\n"])
    func emptySecretFileIsRefused(_ content: String) throws {
        try configTemp { dir throws in
            let path = dir.write("secret", content, mode: 0o600)
            let credentials = Credentials(environment: [:])
            let error = #expect(throws: PaydeskError.self) {
                try credentials.value(of: .file(path), named: "xpay_api_key")
            }
            #expect(error.map(configIsConfigError) == true)
            #expect(error?.description.contains("xpay_api_key file \(path) is empty") == true)
            guard case .refused(let why) = credentials.status(of: .file(path), named: "xpay_api_key") else {
                Issue.record("an empty secret file must be refused")
                return
            }
            #expect(why.contains("is empty"))
        }
    }

    @Test func missingSecretFileIsNamed() throws {
        try configTemp { dir throws in
            let path = dir.file("no-such-secret")
            let credentials = Credentials(environment: [:])
            let error = #expect(throws: PaydeskError.self) {
                try credentials.value(of: .file(path), named: "praxis_secret")
            }
            #expect(error.map(configIsConfigError) == true)
            #expect(error?.description.contains("cannot read praxis_secret file \(path)") == true)
            #expect(credentials.status(of: .file(path), named: "praxis_secret") != .present)
        }
    }

    @Test func secretFileThatIsADirectoryIsRefused() throws {
        try configTemp { dir throws in
            let path = dir.file("secret-dir")
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            chmod(path, 0o700)
            let error = #expect(throws: PaydeskError.self) {
                try Credentials(environment: [:]).value(of: .file(path), named: "praxis_secret")
            }
            #expect(error?.description.contains("is a folder, not a regular file") == true)
        }
    }

    @Test func secretFileErrorsDoNotLeakTheEnvironmentValue() throws {
        // A refused file never falls back to, nor mentions, an environment value.
        try configTemp { dir throws in
            let path = dir.write("secret", configSecretValue, mode: 0o644)
            let credentials = Credentials(environment: ["PAYDESK_TEST_PRAXIS_SECRET": "env-\(configSecretValue)"])
            let error = #expect(throws: PaydeskError.self) {
                try credentials.value(of: .file(path), named: "praxis_secret")
            }
            #expect(error?.description.contains(configSecretValue) == false)
        }
    }

    @Test func inlineSourceGivesItsValue() throws {
        let credentials = Credentials(environment: [:])
        #expect(try credentials.value(of: .inline("Sandbox"), named: "praxis_application_key").reveal() == "Sandbox")
        #expect(credentials.status(of: .inline("Sandbox"), named: "praxis_application_key") == .present)
    }

    @Test func credentialSourceDescriptionNeverShowsAnInlineValue() {
        #expect(CredentialSource.inline("Test-Integration-Merchant").description == "config.toml")
        #expect(CredentialSource.environment("MY_TEST_KEY").description == "$MY_TEST_KEY")
        #expect(CredentialSource.file("/run/secret").description == "/run/secret")
        #expect(CredentialStatus.present.description == "present")
        #expect(CredentialStatus.refused("why").description == "refused (why)")
    }

    @Test func secretNeverPrintsItsValue() {
        let secret = Secret(configSecretValue)
        #expect(secret.reveal() == configSecretValue)
        #expect(secret == Secret(configSecretValue))
        #expect(secret != Secret("other"))
        let renderings = [
            "\(secret)",
            String(describing: secret),
            String(reflecting: secret),
            secret.description,
            secret.debugDescription,
            "\([secret])",
            "\(Optional(secret) as Any)",
            String(reflecting: ["key": secret]),
        ]
        for text in renderings {
            #expect(!text.contains(configSecretValue), "\(text)")
            #expect(!text.contains("TOPSECRET"), "\(text)")
        }
        #expect("\(secret)" == "********")
        #expect(String(reflecting: secret) == "********")
    }

    /// `dump(_:)` and Mirror-based loggers must not show the value either.
    @Test func dumpDoesNotShowTheSecret() {
        var output = ""
        dump(Secret(configSecretValue), to: &output)
        #expect(!output.contains(configSecretValue), "\(output)")
    }

    @Test(arguments: [
        ("TEST", "PAYDESK_TEST_"),
        ("prod", "PAYDESK_PROD_"),
        ("staging-eu", "PAYDESK_STAGING_EU_"),
        ("Staging_EU2", "PAYDESK_STAGING_EU2_"),
    ])
    func environmentPrefix(_ profile: String, _ prefix: String) {
        #expect(Profile.environmentPrefix(profile) == prefix)
    }
}
}

extension PaydeskTests {
@Suite struct ConfigCollisionTests {
    @Test(arguments: [("test", "TEST"), ("STAGING-EU", "STAGING_EU")])
    func profilesThatWouldShareCredentialsOrDataAreRefused(_ a: String, _ b: String) throws {
        let refused = try #require(configLoadError("default_profile = \"\(a)\"\n[profiles.\(a)]\n[profiles.\(b)]\n"))
        #expect(refused.error.description.contains("rename one"))
    }

    @Test func anEmptyHomeOptionIsAUsageError() {
        #expect(throws: PaydeskError.usage("--home needs a folder")) {
            try PaydeskPaths.resolve(home: "", environment: ["HOME": "/h"], currentDirectory: "/cwd")
        }
    }
}
}

extension PaydeskTests {
@Suite struct ConfigSecretInTheWrongPlaceTests {
    @Test(arguments: [
        "[profiles.TEST]\nxpay_api_key_env = \"sk_live_PASTED-value\"\n",
        "[profiles.TEST]\npraxis_secret_file = \"sk_live_PASTED-value\"\n",
        "[profiles.TEST]\nxpay_url = \"https://xpay.example/api?key=sk_live_PASTED-value\"\n",
        "[profiles.TEST]\npraxis_url = \"https://praxis.example/#sk_live_PASTED-value\"\n",
    ])
    func isRefusedWithoutRepeatingIt(_ text: String) throws {
        let refused = try #require(configLoadError(text))
        #expect(!refused.error.description.contains("sk_live_PASTED-value"), "\(refused.error)")
    }
}
}
