extension Array {
    /// Whether no element is less than the one before it: lists read in order are then not sorted again. Inlinable,
    /// so each caller gets it specialized (the console checks half a million rows with it).
    @inlinable public func isSorted(by less: (Element, Element) -> Bool) -> Bool {
        guard count > 1 else { return true }
        for i in 1..<count where less(self[i], self[i - 1]) { return false }
        return true
    }
}
