import Glibc

/// How much memory this process may still use: the kernel's `MemAvailable`, and below it
/// the cgroup's limit where one is set (a container or a systemd slice kills at its own
/// limit long before the machine runs out).
public enum SystemMemory {
    /// Bytes available, nil where neither source can be read.
    public static func available() -> Int? {
        let machine = meminfoAvailable()
        guard let limit = cgroupRoom() else { return machine }
        return machine.map { min($0, limit) } ?? limit
    }

    /// `MemAvailable` of /proc/meminfo in bytes.
    public static func meminfoAvailable() -> Int? {
        guard let text = read("/proc/meminfo") else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
            return Int(line.dropFirst("MemAvailable:".count).filter(\.isNumber)).map { $0 * 1024 }
        }
        return nil
    }

    /// This process's peak resident memory in bytes (`VmHWM` of /proc/self/status): what
    /// memory planning is checked against. Unlike `getrusage`'s `ru_maxrss`, it starts
    /// afresh at exec, so a child spawned by a large process reports its own peak.
    public static func peakResident() -> Int? {
        guard let text = read("/proc/self/status") else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.dropFirst("VmHWM:".count).filter(\.isNumber)).map { $0 * 1024 }
        }
        return nil
    }

    /// The cgroup v2 limit less what the group already uses; nil when there is no limit.
    static func cgroupRoom() -> Int? {
        guard let limit = read("/sys/fs/cgroup/memory.max").flatMap({ Int($0.filter(\.isNumber)) }),
              let used = read("/sys/fs/cgroup/memory.current").flatMap({ Int($0.filter(\.isNumber)) }) else { return nil }
        return max(0, limit - used)
    }

    /// A small text file's contents (procfs and cgroupfs files report size 0, so read to EOF).
    private static func read(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var text = ""
        var buffer = [CChar](repeating: 0, count: 4096)
        while fgets(&buffer, Int32(buffer.count), file) != nil, text.utf8.count < 1 << 16 {
            text += String(cString: buffer)
        }
        return text
    }
}
