import Foundation

/// Results written by concurrent workers, each to its own slot.
public final class ResultSlots<Value: Sendable>: @unchecked Sendable {
    private var storage: [Value?]
    private let lock = NSLock()
    public init(count: Int) { storage = Array(repeating: nil, count: count) }
    public subscript(index: Int) -> Value? {
        get { lock.withLock { storage[index] } }
        set { lock.withLock { storage[index] = newValue } }
    }
    public var values: [Value] { lock.withLock { storage.map { $0! } } }
}
