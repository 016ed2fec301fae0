import Foundation
import MedImaging
import TestSupport
import Workstation
import XCTest

/// The workstation in a real sixel terminal (xterm as a VT340 under Xvfb) with the real
/// default model: it must ask the terminal, find sixel support and draw the first study's
/// image as a bitmap in the image pane — the screenshot must show the picture itself.
final class WorkstationSixelXtermTests: XCTestCase {
    func testImagePaneDrawsTheStudyImageAsSixel() throws {
        let model = try TestEnvironment.defaultModel()
        let executable = try TestEnvironment.builtExecutable()
        let library = try StudyLibrary(path: TestEnvironment.samples.path)
        let study = try XCTUnwrap(library.studies.first(where: \.isUsable))
        let image = try MedicalImage.load(path: try XCTUnwrap(study.images.first).url.path)

        let command = "(sleep 6; touch \"$DONE\") & env -u NO_COLOR TERM=xterm-mono LANG=C.UTF-8 LC_ALL=C.UTF-8 '\(executable)' --model '\(model)' --samples '\(TestEnvironment.samples.path)'"
        let screen = try XtermScreenshot.capture(command: command, columns: 120, rows: 40)

        // xterm's bitmap font draws text in two colours only (TERM=xterm-mono: the theme
        // uses no colours); the picture's grey levels are everything else. Their bounding
        // box is where the sixel landed. (The terminal is still asked for sixel support.)
        let background = screen.rgb(x: screen.width - 1, y: screen.height - 1)
        var minX = Int.max, minY = Int.max, maxX = -1, maxY = -1, count = 0
        for y in 0..<screen.height {
            for x in 0..<screen.width {
                let (r, g, b) = screen.rgb(x: x, y: y)
                let twoColour = (r == g && g == b && (r == 0 || r == 255)) || (r, g, b) == background
                if !twoColour {
                    count += 1
                    minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
                }
            }
        }
        XCTAssertGreaterThan(count, 10_000, "no picture in the screenshot")
        guard count > 0 else { return }
        let width = maxX - minX + 1, height = maxY - minY + 1
        // The pane keeps the picture's aspect ratio.
        XCTAssertEqual(Double(width) / Double(height), Double(image.width) / Double(image.height), accuracy: 0.08)

        // Same picture: the source rendered at the box's size correlates with the screen.
        let window = study.images[0].image.window?.voiWindow ?? image.defaultWindow()
        let expected = image.render(view: ImageView(window: window), width: width, height: height)
        var xs: [Double] = [], ys: [Double] = []
        for y in stride(from: 0, to: height, by: 2) {
            for x in stride(from: 0, to: width, by: 2) {
                let (r, g, b) = screen.rgb(x: minX + x, y: minY + y)
                xs.append(Double(r + g + b) / 3)
                let channels = expected.channels.count
                var sum = 0
                for c in 0..<min(3, channels) { sum += expected.pixels[(y * width + x) * channels + c] }
                ys.append(Double(sum) / Double(min(3, channels)))
            }
        }
        XCTAssertGreaterThan(Self.correlation(xs, ys), 0.95)
    }

    static func correlation(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count)
        let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for i in a.indices {
            sab += (a[i] - ma) * (b[i] - mb); saa += (a[i] - ma) * (a[i] - ma); sbb += (b[i] - mb) * (b[i] - mb)
        }
        return sab / (saa * sbb).squareRoot()
    }
}
