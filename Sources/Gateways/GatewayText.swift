import Foundation
import PaydeskCore

/// The forms in which a gateway could echo a secret back: as sent, JSON-escaped (with or without `\/`),
/// percent- or form-encoded, or as HTML entities. Every one is masked wherever gateway text is kept.
struct SecretMask: Sendable {
    private let forms: [String]

    init(_ secrets: [String]) {
        var forms = Set<String>()
        for secret in secrets where secret.count >= 4 {
            var escaped = ""
            JSONValue.writeString(secret, to: &escaped)
            let json = String(escaped.dropFirst().dropLast())
            let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
            let percent = secret.addingPercentEncoding(withAllowedCharacters: unreserved) ?? secret
            let html = secret.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "'", with: "&#39;")
            forms.formUnion([secret, json, json.replacingOccurrences(of: "/", with: "\\/"), percent, Self.lowercasingEscapes(percent),
                             percent.replacingOccurrences(of: "%20", with: "+"), html])
            // A hex value (the live signature) may come back in upper case.
            if secret.allSatisfy(\.isHexDigit) { forms.insert(secret.uppercased()) }
        }
        // Longest first, so a form that contains another is masked whole.
        self.forms = forms.sorted { $0.count > $1.count }
    }

    func apply(_ text: String) -> String {
        forms.reduce(text) { $0.replacingOccurrences(of: $1, with: "********") }
    }

    private static func lowercasingEscapes(_ percent: String) -> String {
        var out = ""
        var pending = 0
        for c in percent {
            if c == "%" { pending = 2; out.append(c); continue }
            out.append(pending > 0 ? Character(c.lowercased()) : c)
            pending = max(0, pending - 1)
        }
        return out
    }
}

extension AttemptOutcome {
    /// Everything the gateway said, as paydesk may keep and show it: secrets masked in every form, each text
    /// cut to `AnswerLimits.maxKeptTextBytes`.
    func keptSafely(hiding mask: SecretMask) -> AttemptOutcome {
        var o = self
        o.description = AnswerLimits.kept(mask.apply(description))
        o.gatewayStatus = gatewayStatus.map { AnswerLimits.kept(mask.apply($0)) }
        o.errorCode = errorCode.map { AnswerLimits.kept(mask.apply($0)) }
        if var state = gatewayState {
            for path in [\GatewayState.state, \.operationType, \.operationResult, \.operationId, \.orderId, \.operationTime] {
                state[keyPath: path] = state[keyPath: path].map(mask.apply)
            }
            o.gatewayState = state
        }
        return o
    }
}

enum GatewayBody {
    /// ` (body: …)` for a description: the body on one line, as canonical JSON when it is JSON (so every
    /// escaped form of a secret reads as itself and can be masked), else as text. `parsed` is the answer's
    /// strict reading, which the caller has already made.
    static func note(_ body: [UInt8], _ parsed: Result<[(String, JSONValue)], GatewayJSON.Problem>) -> String {
        guard !body.isEmpty else { return "" }
        let json = (try? parsed.get()).map { JSONValue.object($0) } ?? (try? JSONValue.parse(body))
        let text = json?.jsonText ?? String(decoding: body, as: UTF8.self)
        let line = text.filter { !$0.isNewline }
        return line.isEmpty ? "" : " (body: \(line))"
    }
}
