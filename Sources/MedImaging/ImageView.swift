/// How to look at a `MedicalImage`: frame, window/level, invert, equalisation, zoom and pan.
///
/// A small value the TUI changes on every key press and the model preprocessing
/// builds once; the pixels are never copied or modified, only rendered through it
/// (`MedicalImage.render(view:width:height:)`).
public struct ImageView: Sendable, Equatable {
    /// Which frame of a multi-frame image (clamped to the frames that exist).
    public var frame: Int
    /// The window in modality values; nil = the image's default (`MedicalImage.defaultWindow`).
    public var window: VOIWindow?
    /// Swap black and white after every other step (on top of MONOCHROME1's own inversion).
    public var invert: Bool
    /// Magnification: 1 shows the whole image, 2 shows the central half of each side, …
    /// Values that are not finite and positive count as 1.
    public var zoom: Double
    /// Offset of the visible region's centre from the image centre, in image pixels.
    public var panX: Double
    public var panY: Double
    /// Histogram equalisation of the windowed picture: spreads the grey levels the frame
    /// actually uses over the whole display range (a reading aid for low-contrast images).
    public var equalize: Bool

    public init(frame: Int = 0, window: VOIWindow? = nil, invert: Bool = false,
                zoom: Double = 1, panX: Double = 0, panY: Double = 0, equalize: Bool = false) {
        self.equalize = equalize
        self.frame = frame
        self.window = window
        self.invert = invert
        self.zoom = zoom
        self.panX = panX
        self.panY = panY
    }

    /// The part of a `width`×`height` image this view shows, in image pixel coordinates
    /// (it may extend past the image edges when panned; outside is rendered black).
    public func visibleRegion(imageWidth width: Int, imageHeight height: Int)
        -> (x: Double, y: Double, width: Double, height: Double) {
        let zoom = self.zoom.isFinite && self.zoom > 0 ? self.zoom : 1
        let panX = self.panX.isFinite ? self.panX : 0
        let panY = self.panY.isFinite ? self.panY : 0
        let regionWidth = Double(width) / zoom, regionHeight = Double(height) / zoom
        return (Double(width) / 2 + panX - regionWidth / 2, Double(height) / 2 + panY - regionHeight / 2,
                regionWidth, regionHeight)
    }
}
