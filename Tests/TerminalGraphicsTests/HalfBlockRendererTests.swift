import XCTest
@testable import TerminalGraphics

final class HalfBlockRendererTests: XCTestCase {
    /// Reads the SGR colours back out of the emitted lines: in true colour every cell's
    /// top and bottom pixel must be exactly the source pixels.
    func testTrueColorLinesCarryTheExactPixels() {
        let raster = TestRasters.color(width: 13, height: 9)
        let lines = HalfBlockRenderer.lines(raster, depth: .trueColor)
        XCTAssertEqual(lines.count, 5)
        for (row, line) in lines.enumerated() {
            let cells = parse(line)
            XCTAssertEqual(cells.count, 13)
            for (x, cell) in cells.enumerated() {
                let top = raster.rgb(x: x, y: 2 * row)
                XCTAssertEqual(cell.fg, [38, 2, Int(top.r), Int(top.g), Int(top.b)])
                if 2 * row + 1 < 9 {
                    let bottom = raster.rgb(x: x, y: 2 * row + 1)
                    XCTAssertEqual(cell.bg, [48, 2, Int(bottom.r), Int(bottom.g), Int(bottom.b)])
                } else {
                    XCTAssertEqual(cell.bg, [49], "odd last row keeps the terminal background")
                }
            }
            XCTAssertTrue(line.hasSuffix("\u{1B}[0m"))
        }
    }

    /// In 256 colours a gray study only uses gray palette entries, each the nearest one.
    func testPalette256KeepsGrayStudiesGray() {
        let raster = TestRasters.gray(width: 16, height: 4)
        for (row, line) in HalfBlockRenderer.lines(raster, depth: .palette256).enumerated() {
            for (x, cell) in parse(line).enumerated() {
                XCTAssertEqual(cell.fg.prefix(2), [38, 5])
                let index = cell.fg[2]
                XCTAssertTrue(XtermPalette.color(index).isGray, "index \(index) is not gray")
                let v = Int(raster.pixels[2 * row * 16 + x])
                let shown = Int(XtermPalette.color(index).r)
                XCTAssertLessThanOrEqual(abs(shown - v), 5, "gray \(v) shown as \(shown)")
            }
        }
    }

    /// A cell's foreground and background SGR parameters, in the order they were set.
    private func parse(_ line: String) -> [(fg: [Int], bg: [Int])] {
        var cells: [(fg: [Int], bg: [Int])] = []
        var fg: [Int] = [], bg: [Int] = []
        var s = Substring(line)
        while !s.isEmpty {
            if s.hasPrefix("\u{1B}[") {
                let end = s.firstIndex(of: "m")!
                let params = s[s.index(s.startIndex, offsetBy: 2)..<end].split(separator: ";").map { Int($0)! }
                if params.first == 38 { fg = params } else if params.first == 48 || params.first == 49 { bg = params }
                s = s[s.index(after: end)...]
            } else {
                XCTAssertEqual(s.first, "▀")
                cells.append((fg, bg))
                s = s.dropFirst()
            }
        }
        return cells
    }
}
