/// Errors that end a command, each with the exit status the command line promises
/// (1: the operation failed; 2: bad usage or configuration) and words that say what to do.
public enum PaydeskError: Error, Equatable, CustomStringConvertible {
    /// The configuration, a profile or a secret is wrong: fix the setup (exit 2).
    case config(String)
    /// The command was used wrongly (exit 2).
    case usage(String)
    /// Reading or writing a file failed (exit 1).
    case io(String)
    /// The operation was refused or failed (exit 1).
    case failed(String)

    public var description: String {
        switch self {
        case .config(let m), .usage(let m), .io(let m), .failed(let m): m
        }
    }

    public var exitCode: Int32 {
        switch self {
        case .config, .usage: 2
        case .io, .failed: 1
        }
    }
}
