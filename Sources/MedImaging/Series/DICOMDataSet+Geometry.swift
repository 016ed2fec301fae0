extension DICOMDataSet {
    /// Exactly `count` finite numbers of a multi-valued DS attribute (a position, direction
    /// cosines, a spacing pair), or nil: a partial geometry is no geometry.
    func finiteNumbers(_ tag: DICOMTag, count: Int) -> [Double]? {
        let values = numbers(tag).compactMap { $0 }
        return values.count == count && numbers(tag).count == count ? values : nil
    }
}
