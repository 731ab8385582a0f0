import ArgumentParser
import Console
import Foundation
import PaydeskCore

extension Bench {
    /// How long the console takes to answer a key with a fresh frame, with many rows listed.
    struct ConsoleFrames: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "console",
                                                        abstract: "Time the console's update and drawing per key, with many rows listed.")
        @Option(help: "Pending payouts listed (and as many open sessions).") var rows = 10_000
        @Option(help: "Key presses timed per measure.") var keys = 200

        func run() throws {
            let now = Timestamp.now
            func row(_ i: Int, gateway: String) -> TargetRow {
                let time = now + Int64(-(i % 280))
                let key = gateway == "xpay" ? "ps_\(String(i, radix: 16))" : String(700_000 + i)
                let fields = RecordFields([("id", .string(key)), ("order_id", .string("ORD-\(i)")), ("customer_id", .string("C-\(i % 977)")),
                                           ("amount", .number(String(100 + i % 50_000))), ("currency", .string(i % 7 == 0 ? "GBP" : "EUR")),
                                           ("payment_method", .string(["card", "sepa", "skrill"][i % 3]))])
                return TargetRow(id: TargetID(gateway: gateway, key: key), time: time, fields: fields)
            }
            let data = ConsoleData(sessions: (0..<rows).map { row($0, gateway: "xpay") }, payouts: (0..<rows).map { row($0, gateway: "praxis") })
            let profile = Profile(name: "BENCH", production: false, xpayURL: "http://127.0.0.1:1/x", praxisURL: "http://127.0.0.1:1")
            var state = ConsoleState(profile: profile, profiles: [profile], operatorName: "bench", themeNames: ["default"],
                                     themeName: "default", now: now, width: 120, height: 40)

            let load = time { _ = state.update(.loaded(data)) }
            _ = state.update(.key(.character("2")))
            var frames: [Double] = []
            for i in 0..<keys {
                frames.append(time {
                    _ = state.update(.key(i % 50 < 25 ? .down : .up))
                    _ = ConsoleView.render(state)
                })
            }
            var filtering: [Double] = []
            _ = state.update(.key(.character("/")))
            for i in 0..<min(keys, 40) {
                filtering.append(time {
                    _ = state.update(.key(i % 2 == 0 ? .character("9") : .backspace))
                    _ = ConsoleView.render(state)
                })
            }
            func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }
            print("console, \(rows) sessions and \(rows) payouts, 120x40:")
            print(String(format: "  load into the state:            %8.2f ms", load * 1000))
            print(String(format: "  key (Up/Down) + frame, median:  %8.2f ms  (max %.2f ms, %d keys)", median(frames) * 1000, frames.max()! * 1000, frames.count))
            print(String(format: "  filter keystroke + frame, median: %6.2f ms  (max %.2f ms)", median(filtering) * 1000, filtering.max()! * 1000))
            print("  peak memory: \(peakResidentMegabytes()) MB")
        }

        private func time(_ body: () -> Void) -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
    }
}
