import Glibc

/// Free space for an unprivileged user in the file system holding `path` (statvfs's
/// `f_bavail`), nil when it cannot be asked.
public enum DiskSpace {
    public static func free(atPath path: String) -> Int64? {
        var stats = statvfs()
        guard statvfs(path, &stats) == 0 else { return nil }
        return Int64(stats.f_bavail) * Int64(stats.f_frsize)
    }
}
