import Foundation
import Glibc

/// `write(2)` until every byte is on its way: a short write continues where it stopped and
/// an interrupted one (EINTR) is tried again — what every writer of a whole buffer needs
/// and each used to spell out for itself.
public enum FileWrite {
    /// Writes all of `bytes` to `fd`; nil when done, else the `errno` of the failure.
    public static func all<Bytes: ContiguousBytes>(_ fd: Int32, _ bytes: Bytes) -> Int32? {
        bytes.withUnsafeBytes { raw -> Int32? in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += n
            }
            return nil
        }
    }
}
