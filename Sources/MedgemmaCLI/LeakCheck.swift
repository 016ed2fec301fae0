import Glibc

/// LeakSanitizer's check, run by hand before the process ends. `medgemma` ends with
/// `_exit` (see `MedgemmaCommand.main`), which skips the `atexit` hook where LeakSanitizer
/// normally looks, so a sanitized build would never report a leak. With
/// `MEDGEMMA_LEAK_CHECK=1` in an AddressSanitizer build (`make test-leaks`) the check runs
/// here instead; in any other build the runtime's symbol is absent and nothing happens.
enum LeakCheck {
    private typealias Check = @convention(c) () -> Int32

    /// The exit status LeakSanitizer's reports turn into (its own default, 23).
    static let leaksFound: Int32 = 23

    /// Runs the check when asked and available; true when it reported leaks.
    static func runIfAsked(environment: [String: String]) -> Bool {
        guard environment["MEDGEMMA_LEAK_CHECK"] == "1",
              let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "__lsan_do_recoverable_leak_check")
        else { return false }
        return unsafeBitCast(symbol, to: Check.self)() != 0
    }
}
