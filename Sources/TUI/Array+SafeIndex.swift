extension Array {
    /// The element at `index`, nil when there is none (the shown image of an empty study).
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
