import Testing

/// Every suite is nested here and runs one test at a time. The simulator tests run a real HTTP server in
/// this process on Swift's concurrency threads (two on a 2-core machine); run in parallel, tests that block
/// those threads (fsync, waiting for child processes) starved the server and turned answers into timeouts.
@Suite(.serialized) struct PaydeskTests {}
