import Foundation

/// The cores this process may use, asked once: Foundation reads the cgroup's files each time, and a large store
/// is read in two dozen pieces, each split over the cores.
public let usableCores = ProcessInfo.processInfo.activeProcessorCount
