import ArgumentParser
import PaydeskCore

/// The order people type in, as with `git -C DIR` and `kubectl -n NS`: `--profile` and `--home` may come before the
/// subcommand. They are moved after it, where every subcommand takes them. A first word that is no subcommand
/// but close to one gets a "did you mean".
enum CommandLineOrder {
    static let leadingOptions: Set = ["--profile", "--home"]

    /// `arguments` without the program name, reordered.
    static func normalized(_ arguments: [String], subcommands: [String]) throws -> [String] {
        var leading: [String] = []
        var rest = arguments[...]
        while let first = rest.first {
            if leadingOptions.contains(first), rest.count >= 2 {
                leading += rest.prefix(2)
                rest = rest.dropFirst(2)
            } else if let name = first.split(separator: "=", maxSplits: 1).first, first.contains("="), leadingOptions.contains(String(name)) {
                leading.append(first)
                rest = rest.dropFirst()
            } else {
                break
            }
        }
        guard let word = rest.first, !word.hasPrefix("-") else { return Array(rest) + leading }
        if !subcommands.contains(word), let near = subcommands.first(where: { distance($0, word) <= 2 }) {
            throw PaydeskError.usage("\"\(word)\" is not a command: did you mean \(near)? (paydesk --help lists them)")
        }
        // Leading options go after the subcommand path (`store compact`, `audit verify`): at the very end.
        return Array(rest) + leading
    }

    /// Edits (insert, delete, replace) between two short words.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var next = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                next[j] = min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            row = next
        }
        return a.isEmpty ? b.count : row[b.count]
    }
}
