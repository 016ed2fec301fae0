import Foundation
import TUI
import XCTest

final class ThemeLibraryTests: XCTestCase {
    private var root = ""
    private var shippedDirectory: String { root + "/shipped" }
    private var userDirectory: String { root + "/user" }

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("theme-library-\(UUID())").path
        for directory in [shippedDirectory, userDirectory] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: root)
    }

    private func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    private var library: ThemeLibrary { ThemeLibrary(shippedDirectory: shippedDirectory, userDirectory: userDirectory) }

    func testNamesPutTheThreeShippedThemesFirstThenSorted() throws {
        for name in ["zebra", "high-contrast", "Amber", "light", "dark", "mono"] {
            try write("text = 1\n", to: shippedDirectory + "/\(name).theme")
        }
        try write("text = 1\n", to: userDirectory + "/custom.theme")
        try write("text = 1\n", to: userDirectory + "/notes.txt")        // not a theme
        try write("text = 1\n", to: userDirectory + "/.hidden.theme")   // not a valid name
        XCTAssertEqual(library.names, ["dark", "light", "high-contrast", "Amber", "custom", "mono", "zebra"])
    }

    func testCyclingWrapsAround() throws {
        for name in ["light", "high-contrast", "solar"] {
            try write("text = 1\n", to: shippedDirectory + "/\(name).theme")
        }
        // dark has no file here: it is the built-in theme, always first.
        XCTAssertEqual(library.names, ["dark", "light", "high-contrast", "solar"])
        XCTAssertEqual(library.next(after: "dark"), "light")
        XCTAssertEqual(library.next(after: "light"), "high-contrast")
        XCTAssertEqual(library.next(after: "high-contrast"), "solar")
        XCTAssertEqual(library.next(after: "solar"), "dark")
        XCTAssertEqual(library.next(after: "gone"), "dark")
        XCTAssertEqual(ThemeLibrary(shippedDirectory: nil, userDirectory: nil).next(after: "dark"), "dark")
    }

    func testUserThemeOverridesShippedTheme() throws {
        try write("text = 1\n", to: shippedDirectory + "/light.theme")
        try write("text = 2 on 3\n", to: userDirectory + "/light.theme")
        XCTAssertEqual(library.path(for: "light"), userDirectory + "/light.theme")
        XCTAssertEqual(try library.load("light")[.text], ThemeStyle(.indexed(2), on: .indexed(3)))
        XCTAssertEqual(try library.load("light").name, "light")
        XCTAssertEqual(library.names, ["dark", "light"])
    }

    func testDarkIsBuiltInAndAUserDarkReplacesIt() throws {
        XCTAssertEqual(try library.load("dark"), Theme.defaultDark)
        try write("text = 7 on 0\n", to: userDirectory + "/dark.theme")
        XCTAssertEqual(try library.load("dark")[.text], ThemeStyle(.indexed(7), on: .indexed(0)))
    }

    func testBrokenThemeFallsBackToDefaultWithOneLineReason() throws {
        try write("text = 1\n\nnote = bleu\n", to: userDirectory + "/broken.theme")
        let (theme, error) = library.loadOrDefault("broken")
        XCTAssertEqual(theme, Theme.defaultDark)
        let message = try XCTUnwrap(error?.description)
        XCTAssertTrue(message.hasSuffix("/broken.theme:3: unknown colour 'bleu'"), message)
        XCTAssertFalse(message.contains("\n"))

        let (missing, missingError) = library.loadOrDefault("nosuch")
        XCTAssertEqual(missing, Theme.defaultDark)
        XCTAssertEqual(missingError?.description, "unknown theme 'nosuch' (available: dark, broken)")

        let (_, ok) = library.loadOrDefault("dark")
        XCTAssertNil(ok)
    }

    func testNamesCannotReachOutsideTheDirectories() throws {
        try write("text = 1\n", to: root + "/outside.theme")
        for name in ["../outside", "/etc/passwd", "", ".hidden", "a/b", "x\u{1B}y", String(repeating: "a", count: 65)] {
            XCTAssertFalse(ThemeLibrary.isValidName(name), name)
            XCTAssertNil(library.path(for: name))
            XCTAssertThrowsError(try library.load(name)) { error in
                XCTAssertEqual(error as? ThemeError, .invalidName(name))
            }
        }
        XCTAssertEqual(ThemeError.invalidName("../outside").description, "'../outside' is not a theme name")
        XCTAssertTrue(ThemeLibrary.isValidName("high-contrast"))
        XCTAssertTrue(ThemeLibrary.isValidName("my_theme.v2"))
    }

    func testLocatingTheShippedDirectory() throws {
        // $MEDGEMMA_THEMES wins.
        XCTAssertEqual(ThemeLibrary.locateShippedDirectory(environment: ["MEDGEMMA_THEMES": "/x/y"],
                                                           executablePath: nil, currentDirectory: "/"), "/x/y")
        // Walking up from the executable: repo/.build/debug/medgemma → repo/Themes.
        let repository = root + "/repo"
        try FileManager.default.createDirectory(atPath: repository + "/Themes", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: repository + "/.build/debug", withIntermediateDirectories: true)
        try write("text = 1\n", to: repository + "/Themes/dark.theme")
        let resolvedRepository = URL(fileURLWithPath: repository).resolvingSymlinksInPath().path
        let found = ThemeLibrary.locateShippedDirectory(environment: [:], executablePath: repository + "/.build/debug/medgemma",
                                                        currentDirectory: "/")
        XCTAssertEqual(found.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path }, resolvedRepository + "/Themes")
        // …or from the current directory.
        let fromCurrent = ThemeLibrary.locateShippedDirectory(environment: [:], executablePath: "/usr/bin/true",
                                                              currentDirectory: repository + "/.build")
        XCTAssertEqual(fromCurrent.map { URL(fileURLWithPath: $0).resolvingSymlinksInPath().path }, resolvedRepository + "/Themes")
        // Nothing anywhere: nil (the built-in dark theme still works).
        XCTAssertNil(ThemeLibrary.locateShippedDirectory(environment: [:], executablePath: "/usr/bin/true", currentDirectory: "/"))
        // This test run finds the repository's own Themes/ from the checkout.
        let repositoryThemes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Themes").path
        XCTAssertEqual(ThemeLibrary.locateShippedDirectory(environment: [:], executablePath: nil,
                                                           currentDirectory: repositoryThemes + "/.."),
                       repositoryThemes)
    }

    func testStandardLibraryUsesTheConfigDirectory() {
        let library = ThemeLibrary.standard(environment: ["XDG_CONFIG_HOME": "/cfg", "HOME": "/home/u",
                                                          "MEDGEMMA_THEMES": "/opt/themes"])
        XCTAssertEqual(library.userDirectory, "/cfg/medgemma/themes")
        XCTAssertEqual(library.shippedDirectory, "/opt/themes")
    }

    /// With `HOME` set and no XDG variable, user themes are found under that home and a
    /// theme's file is named `~/…` by it (not by the password database's home).
    func testUserThemesAndTheirPathsFollowHome() throws {
        let folder = root + "/home/.config/medgemma/themes"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try write("# mine\ntext = white on black\nstatus-bar = bleu on black\n", to: folder + "/mine.theme")
        let library = ThemeLibrary.standard(environment: ["HOME": root + "/home", "MEDGEMMA_THEMES": shippedDirectory])
        XCTAssertEqual(library.userDirectory, folder)
        XCTAssertEqual(library.homeDirectory, root + "/home")
        XCTAssertThrowsError(try library.load("mine")) { error in
            XCTAssertEqual("\(error)", "~/.config/medgemma/themes/mine.theme:3: unknown colour 'bleu'")
        }
    }
}
