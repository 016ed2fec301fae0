import MedImaging
import TerminalGraphics
import VisionPreprocessing

/// An image rendered for the image pane: rows of terminal text, where they go inside
/// the pane, and whether they carry escape sequences (half-blocks, written straight to
/// the terminal with `Terminal.drawRaw`) or are plain characters (ASCII, drawn through
/// ncurses like any text).
public struct ImagePreview: Equatable, Sendable {
    public var lines: [String]
    /// Offset of the first row/column inside the pane's drawing area (centring).
    public var rowOffset: Int
    public var columnOffset: Int
    public var isRaw: Bool

    /// How the pane draws: a sixel bitmap (cells of the given pixel size, palette of
    /// `colors` registers), colour half-blocks, or the ASCII ramp.
    public enum Style: Equatable, Sendable {
        case sixel(cellWidth: Int, cellHeight: Int, colors: Int)
        case blocks(ColorDepth)
        case ascii
    }

    /// Sixel: the pixel size that fits `columns`×`rows` cells at the image's aspect ratio,
    /// its height a whole number of six-pixel bands that stays inside the pane, so the
    /// terminal never scrolls the screen for a band that does not fit.
    static func sixelFit(imageWidth: Int, imageHeight: Int, columns: Int, rows: Int,
                         cellWidth: Int, cellHeight: Int) -> (width: Int, height: Int) {
        let areaWidth = max(1, columns * cellWidth), areaHeight = max(6, (rows * cellHeight) / 6 * 6)
        let aspect = Double(max(imageWidth, 1)) / Double(max(imageHeight, 1))
        var width = Double(areaWidth), height = width / aspect
        if height > Double(areaHeight) {
            height = Double(areaHeight)
            width = height * aspect
        }
        return (max(1, min(areaWidth, Int(width.rounded()))), max(1, min(areaHeight, Int(height.rounded()))))
    }

    /// One sixel string, placed at the centre of the pane in whole cells.
    static func sixel(_ raster: Raster, columns: Int, rows: Int, cellWidth: Int, cellHeight: Int, colors: Int) -> ImagePreview {
        let usedColumns = (raster.width + cellWidth - 1) / cellWidth
        let usedRows = (raster.height + cellHeight - 1) / cellHeight
        return ImagePreview(lines: [SixelEncoder.encode(raster, maxColors: colors)], rowOffset: max(0, (rows - usedRows) / 2),
                            columnOffset: max(0, (columns - usedColumns) / 2), isRaw: true)
    }

    /// The size in output pixels that fits `columns`×`rows` cells at the image's aspect
    /// ratio: a cell holds two square pixels stacked (half-blocks draw both, the ASCII
    /// ramp their average).
    public static func fit(imageWidth: Int, imageHeight: Int, zoomedAspect: Double? = nil,
                           columns: Int, rows: Int, style: Style) -> (width: Int, height: Int) {
        guard imageWidth > 0, imageHeight > 0, columns > 0, rows > 0 else { return (1, 1) }
        let aspect = zoomedAspect ?? Double(imageWidth) / Double(imageHeight)  // width / height
        let pixelRows = rows * 2  // a cell is two square pixels tall
        var width = Double(columns)
        var height = width / aspect
        if height > Double(pixelRows) {
            height = Double(pixelRows)
            width = height * aspect
        }
        let w = max(1, min(columns, Int(width.rounded())))
        var h = max(1, Int(height.rounded()))
        // Both renderers stack two pixel rows per text row (ASCII averages them): an even
        // height, so the last row is not half picture, half background.
        h += h % 2
        return (w, min(pixelRows, h))
    }

    public static func render(_ image: MedicalImage, view: ImageView, columns: Int, rows: Int, style: Style) -> ImagePreview {
        if case .sixel(let cw, let ch, let colors) = style {
            let size = sixelFit(imageWidth: image.width, imageHeight: image.height, columns: columns, rows: rows,
                                cellWidth: cw, cellHeight: ch)
            return sixel(raster(image.render(view: view, width: size.width, height: size.height)), columns: columns, rows: rows,
                         cellWidth: cw, cellHeight: ch, colors: colors)
        }
        let size = fit(imageWidth: image.width, imageHeight: image.height, columns: columns, rows: rows, style: style)
        let decoded = image.render(view: view, width: size.width, height: size.height)
        let raster = Self.raster(decoded)
        let lines: [String]
        let isRaw: Bool
        switch style {
        case .blocks(let depth):
            lines = HalfBlockRenderer.lines(raster, depth: depth)
            isRaw = true
        case .ascii, .sixel:
            lines = ASCIIRenderer.lines(raster)
            isRaw = false
        }
        return ImagePreview(lines: lines, rowOffset: max(0, (rows - lines.count) / 2),
                            columnOffset: max(0, (columns - size.width) / 2), isRaw: isRaw)
    }

    /// "What the model sees": the picture handed to the vision encoder (already resized to
    /// its input size), scaled again to fit the pane with the same Pillow-style filter.
    public static func render(modelInput picture: RGBImage, columns: Int, rows: Int, style: Style) -> ImagePreview? {
        if case .sixel(let cw, let ch, let colors) = style {
            let size = sixelFit(imageWidth: picture.width, imageHeight: picture.height, columns: columns, rows: rows,
                                cellWidth: cw, cellHeight: ch)
            guard let shown = try? PillowBilinearResampler.resize(picture, width: size.width, height: size.height) else { return nil }
            return sixel(Raster(width: shown.width, height: shown.height, channels: .rgb, pixels: shown.pixels),
                         columns: columns, rows: rows, cellWidth: cw, cellHeight: ch, colors: colors)
        }
        let size = fit(imageWidth: picture.width, imageHeight: picture.height, columns: columns, rows: rows, style: style)
        guard let shown = try? PillowBilinearResampler.resize(picture, width: size.width, height: size.height) else { return nil }
        let raster = Raster(width: shown.width, height: shown.height, channels: .rgb, pixels: shown.pixels)
        let lines: [String]
        switch style {
        case .blocks(let depth): lines = HalfBlockRenderer.lines(raster, depth: depth)
        case .ascii, .sixel: lines = ASCIIRenderer.lines(raster)
        }
        return ImagePreview(lines: lines, rowOffset: max(0, (rows - lines.count) / 2),
                            columnOffset: max(0, (columns - size.width) / 2), isRaw: style != .ascii)
    }

    /// 8-bit gray or RGB, alpha dropped (the encoders take no alpha).
    static func raster(_ decoded: DecodedImage) -> Raster {
        let channels = decoded.channels.count
        var bytes: [UInt8]
        switch decoded.pixels {
        case .eight(let samples): bytes = samples
        case .sixteen(let samples): bytes = samples.map { UInt8($0 >> 8) }
        }
        let color = decoded.channels.isColor
        let keep = color ? 3 : 1
        if channels != keep {
            var packed = [UInt8]()
            packed.reserveCapacity(decoded.width * decoded.height * keep)
            for pixel in 0..<(decoded.width * decoded.height) {
                for c in 0..<keep { packed.append(bytes[pixel * channels + c]) }
            }
            bytes = packed
        }
        return Raster(width: decoded.width, height: decoded.height, channels: color ? .rgb : .gray, pixels: bytes)
    }
}
