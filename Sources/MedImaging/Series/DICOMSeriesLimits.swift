/// Ceilings for opening a folder as series, each checked before the memory it guards is
/// allocated, so a hostile folder (100 000 files, a header claiming 2³¹ frames) gives a
/// one-line error instead of a hang or an exhausted machine.
public struct DICOMSeriesLimits: Sendable, Equatable {
    /// Folder entries looked at (checked on the listing, before any file is opened).
    public var maxFiles: Int
    /// Slices in the whole folder, frames of multi-frame files included.
    public var maxSlices: Int
    /// Pixels (rows × columns × slices) of one series decoded as a volume.
    public var maxVolumePixels: Int
    /// Size of any one file.
    public var maxFileBytes: Int

    /// 20 000 files and slices (a whole-body CT has about 2 000); 512 Mi pixels, 1 GiB of 16-bit samples.
    public static let `default` = DICOMSeriesLimits(maxFiles: 20_000, maxSlices: 20_000, maxVolumePixels: 512 << 20,
                                                     maxFileBytes: DICOMDecoder.defaultByteLimit)

    public init(maxFiles: Int, maxSlices: Int, maxVolumePixels: Int, maxFileBytes: Int) {
        self.maxFiles = maxFiles
        self.maxSlices = maxSlices
        self.maxVolumePixels = maxVolumePixels
        self.maxFileBytes = maxFileBytes
    }
}
