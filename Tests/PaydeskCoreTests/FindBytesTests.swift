import CLibcExtras
import CMappedFile
import Foundation
import Testing

extension PaydeskTests {
/// The search for a key's bytes, 32 or 16 places a step, must find exactly what memmem finds: first, only whole matches.
@Suite struct FindBytesTests {
    @Test func findsWhatMemmemFindsWhereverTheNeedleLies() {
        var random = SeededRandom(9)
        let alphabet = Array("1250\"".utf8)   // few letters: many near misses, first and last bytes matching alone
        for round in 0..<4_000 {
            let haystack = (0..<random.next(round % 10 == 0 ? 300 : 70)).map { _ in alphabet[random.next(alphabet.count)] }
            let length = 1 + random.next(18)
            // Half the needles are taken from the haystack (at its very end too), half made up.
            var needle = (0..<length).map { _ in alphabet[random.next(alphabet.count)] }
            if random.next(2) == 0, haystack.count >= length {
                let start = random.next(3) == 0 ? haystack.count - length : random.next(haystack.count - length + 1)
                needle = Array(haystack[start..<(start + length)])
            }
            let found = haystack.withUnsafeBufferPointer { h in
                needle.withUnsafeBufferPointer { n in
                    paydesk_find_bytes(h.baseAddress ?? UnsafePointer(bitPattern: 1)!, h.count, n.baseAddress!, n.count)
                        .map { $0 - h.baseAddress! }
                }
            }
            let expected = haystack.withUnsafeBytes { h in
                needle.withUnsafeBytes { n in
                    memmem(h.baseAddress, h.count, n.baseAddress, n.count).map { UnsafeRawPointer($0) - h.baseAddress! }
                }
            }
            #expect(found == expected, "round \(round): \(String(decoding: needle, as: UTF8.self)) in \(String(decoding: haystack, as: UTF8.self))")
            if found != expected { return }
        }
    }
}
}
