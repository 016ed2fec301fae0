import Glibc
import Foundation
import GGUF
import Gemma
import MedImaging
import TerminalGraphics
import TUI
import VisionPreprocessing
import Workstation

/// `medgemma view FILE` (also `show`): an image in the terminal — as a reader sees it (window/level,
/// invert) or as the model sees it (`--model-view`: CT windows packed, resized to the
/// encoder's input) — as sixel, Unicode half-blocks or ASCII.
enum ShowCommand: Subcommand {
    static let name = "view"
    static let aliases = ["show"]
    static let summary = "show an image (PNG, JPEG, DICOM) in the terminal, as read or as the model sees it"
    static let help = """
    Usage: medgemma view [--graphics sixel|blocks|ascii] [--width COLUMNS] [--window W/C]
                         [--invert] [--frame N] [--ct-windows] [--model-view [--mmproj P]] FILE

    Draws FILE in the terminal (`show` is the same command). Without --graphics (or
    $MEDGEMMA_GRAPHICS) it asks the terminal whether it draws sixels and uses them if so;
    otherwise Unicode half-blocks on a UTF-8 terminal (24-bit colour when $COLORTERM says
    so, else 256 colours), and an ASCII ramp on other terminals or when $NO_COLOR is set.

    Options:
      --graphics G       sixel, blocks, ascii or auto
      --width COLUMNS    width in terminal columns (default: the terminal's, else 80)
      --window W/C       DICOM window width/center (default: the file's first, or a modality default)
      --invert           invert the gray scale
      --frame N          frame of a multi-frame DICOM (default 0)
      --ct-windows       CT: three Hounsfield windows as R, G, B, as sent to the model
      --model-view       what the model sees: the picture resized to the vision encoder's
                         input (the mmproj's image size, 896 without --mmproj)
      --mmproj P         the mmproj whose input size --model-view uses
      -h, --help         show this help

    """
    static let spec = ArgumentSpec(flags: ["--invert", "--ct-windows", "--model-view"],
                                   options: ["--graphics", "--width", "--window", "--frame", "--mmproj"],
                                   positionals: 1...1, positionalName: "FILE")

    static func run(_ args: ParsedArguments) throws -> Int32 {
        let path = args.positionals[0]
        let env = ProcessInfo.processInfo.environment
        let mode: GraphicsMode
        do {
            let chosen = try GraphicsMode.parseOverride(args["--graphics"] ?? env["MEDGEMMA_GRAPHICS"])
            let plain = GraphicsMode.automatic(environment: env, sixelSupported: false)
            mode = chosen ?? (plain != .ascii && TerminalProbe.run()?.sixel == true ? .sixel : plain)
        } catch {
            throw UsageError(command: qualifiedName, "\(error)")
        }
        let columns = try ArgumentParser.int(args, "--width", default: terminalColumns() ?? 80, range: 4...1000, command: qualifiedName)
        let frame = try ArgumentParser.int(args, "--frame", default: 0, range: 0...100_000, command: qualifiedName)
        let window = try args["--window"].map { try ImageQuestion.parseWindow($0, command: qualifiedName) }
        if window != nil && args.has("--ct-windows") {
            throw UsageError(command: qualifiedName, "--window and --ct-windows exclude each other")
        }
        let image = try MedicalImage.load(path: path)
        guard frame < image.frameCount else {
            throw CommandFailure("\(path): frame \(frame) does not exist (the file has \(image.frameCount))")
        }

        // Pixels per column: sixel draws ~8 pixels per cell; blocks and ASCII one column
        // and two pixel rows per cell.
        let pixelsPerColumn = mode == .sixel ? (terminalCellWidth() ?? 8) : 1
        let raster: Raster
        if args.has("--ct-windows") || args.has("--model-view") {
            var picture: RGBImage
            do {
                picture = try ModelImageSource.rgb(image, mode: args.has("--ct-windows") ? .ctWindows(CTWindowPacker.medGemmaWindows) : .windowed(window), frame: frame)
                if args.has("--model-view") {
                    let size = try args["--mmproj"].map { try VisionConfig(file: GGUFFile(path: $0)).imageSize } ?? 896
                    picture = try PillowBilinearResampler.resize(picture, width: size, height: size)
                }
                let fit = fitted(width: picture.width, height: picture.height, columns: columns * pixelsPerColumn)
                picture = try PillowBilinearResampler.resize(picture, width: fit.width, height: fit.height)
            } catch let error as PreprocessingError {
                throw CommandFailure("\(path): \(error)")
            }
            raster = Raster(width: picture.width, height: picture.height, channels: .rgb, pixels: picture.pixels)
        } else {
            var view = ImageView(frame: frame, window: window)
            view.invert = args.has("--invert")
            let fit = fitted(width: image.width, height: image.height, columns: columns * pixelsPerColumn)
            let rendered = image.render(view: view, width: fit.width, height: fit.height)
            guard case .eight(let samples) = rendered.pixels else { throw CommandFailure("\(path): rendering gave 16-bit samples") }
            raster = Raster(width: rendered.width, height: rendered.height, channels: rendered.channels == .gray ? .gray : .rgb, pixels: samples)
        }
        switch mode {
        case .sixel: Console.out(SixelEncoder.encode(raster) + "\n")
        case .blocks: Console.out(HalfBlockRenderer.lines(raster, depth: ColorDepth.detect(environment: env)).joined(separator: "\n") + "\n")
        case .ascii: Console.out(ASCIIRenderer.lines(raster).joined(separator: "\n") + "\n")
        }
        return 0
    }

    /// The picture's size scaled to `columns` pixels wide, aspect kept (at least 1×1).
    static func fitted(width: Int, height: Int, columns: Int) -> (width: Int, height: Int) {
        let w = max(1, min(columns, width * 4))
        let h = max(1, Int((Double(height) * Double(w) / Double(width)).rounded()))
        return (w, h)
    }

    /// Pixels per column where the terminal reports its size in pixels (xterm does).
    static func terminalCellWidth() -> Int? {
        var size = winsize()
        guard isatty(1) == 1, ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_xpixel > 0 else { return nil }
        return Int(size.ws_xpixel) / Int(size.ws_col)
    }

    static func terminalColumns() -> Int? {
        var size = winsize()
        guard isatty(1) == 1, ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}
