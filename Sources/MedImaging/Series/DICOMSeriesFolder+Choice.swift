extension DICOMSeriesFolder {
    /// Series `number` (1-based, in the order `medgemma info DIR` lists them), or the only
    /// one when `number` is nil; a folder of several series then needs a number.
    public func series(number: Int?) throws(DICOMSeriesError) -> DICOMSeries {
        guard let number else {
            guard series.count == 1 else { throw .severalSeries(path: path, count: series.count) }
            return series[0]
        }
        guard (1...series.count).contains(number) else { throw .noSuchSeries(path: path, number: number, count: series.count) }
        return series[number - 1]
    }
}
