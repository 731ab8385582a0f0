import ArgumentParser
import Foundation
import PaydeskCore

struct ProfilesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profiles",
        abstract: "Show the profiles: production or not, URLs, read-only, and which credentials are present (never their values)."
    )

    @Flag(help: "One JSON object per line, for scripts.") var json = false
    @OptionGroup var options: ProfileOptions

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let paths = try PaydeskPaths.resolve(home: options.home, environment: environment)
        let config = try PaydeskConfig.load(paths: paths, environment: environment)
        if let name = options.profile { _ = try config.profile(named: name) }
        let credentials = Credentials(environment: environment, sharing: config.sharing)
        let shown = config.profiles.filter { options.profile == nil || $0.name == options.profile }

        for profile in shown {
            let statuses = profile.credentials.map { ($0.name, $0.source, credentials.status(of: $0.source, named: $0.name)) }
            if json {
                var credentialsJSON = JSONObjectWriter()
                for (name, source, status) in statuses {
                    var c = JSONObjectWriter()
                    c.add("present", status == .present)
                    c.add("source", source.description)
                    if status != .present { c.add("problem", status.description) }
                    credentialsJSON.add(name, c.value)
                }
                var o = JSONObjectWriter()
                o.add("name", profile.name)
                o.add("default", profile.name == config.defaultProfile)
                o.add("production", profile.production)
                o.add("read_only", profile.readOnly)
                o.add("xpay_url", profile.xpayURL)
                o.add("praxis_url", profile.praxisURL)
                o.add("praxis_version", profile.praxisVersion)
                o.add("proxy", profile.proxy)
                o.add("data", paths.dataDirectory(profile: profile.name))
                o.add("credentials", credentialsJSON.value)
                Output.line(o.text)
                continue
            }
            var flags = [profile.production ? "PRODUCTION" : "not production", profile.readOnly ? "read-only" : "read-write"]
            if profile.name == config.defaultProfile { flags.append("default") }
            Output.line("\(profile.name)  (\(flags.joined(separator: ", ")))")
            func item(_ name: String, _ value: String) { Output.line("  " + padded(name, toWidth: 24) + value) }
            item("xpay", profile.xpayURL)
            item("praxis", "\(profile.praxisURL)  (version \(profile.praxisVersion))")
            item("proxy", profile.proxy ?? "none (the environment's http_proxy and ALL_PROXY are never used)")
            item("data", paths.dataDirectory(profile: profile.name))
            for (name, source, status) in statuses { item(name, status == .present ? "present  (from \(source))" : status.description) }
            Output.line("")
        }
        if !json {
            Output.line(config.file.map { "profiles from \($0)" } ?? "built-in profiles (no config file at \(paths.configFile))")
        }
    }
}
