import Glibc
import Support

/// Writes a GGUF v3 file the way gguf-py's `GGUFWriter` lays it out, byte for byte: magic,
/// version, tensor and key counts, the metadata in the order given, the tensor infos with
/// offsets relative to the data section, zero padding to the alignment, then each tensor's
/// bytes, each padded to the alignment (the last one too).
///
/// Tensor data is streamed: `append` takes the next bytes of the tensors in table order, in
/// pieces of any size, so a multi-gigabyte model never has to be in memory. The file is
/// written as `PATH.partial` and only `finish()` — after every byte of every tensor has
/// arrived and been fsync'd — renames it to PATH: a crash or an error never leaves a
/// half-written model under the real name.
public final class GGUFWriter {
    /// One tensor of the table: the data `append` must supply is `byteCount` bytes.
    public struct Tensor: Sendable, Equatable {
        public let name: String
        /// ggml `ne`, fastest dimension first.
        public let shape: [Int]
        public let type: GGMLType

        public init(name: String, shape: [Int], type: GGMLType) {
            self.name = name
            self.shape = shape
            self.type = type
        }

        /// nil when a row is not whole blocks of `type` or the size overflows.
        public var byteCount: Int? {
            guard let first = shape.first, let row = type.rowBytes(count: first) else { return nil }
            var total = row
            for n in shape.dropFirst() {
                let (p, o) = total.multipliedReportingOverflow(by: n)
                guard !o else { return nil }
                total = p
            }
            return total
        }
    }

    /// The final path (the file being written is `partialPath`).
    public let path: String
    public var partialPath: String { path + ".partial" }
    public let alignment: Int
    /// Bytes the whole file will take.
    public let fileSize: Int
    private let tensors: [Tensor]
    private let sizes: [Int]
    private var fd: Int32
    private var buffer: [UInt8] = []
    /// The tensor whose bytes `append` is receiving, and how many it has had.
    private var current = 0
    private var filled = 0
    private var finished = false

    /// Bytes gathered before a `write(2)`: the header in one go, small tensors together.
    static let bufferBytes = 1 << 20

    /// Creates `PATH.partial` (replacing a stale one) and writes everything before the tensor
    /// data. `general.alignment`, when present, must be a power-of-two uint32 (default 32).
    public init(path: String, metadata: [(key: String, value: GGUFValue)], tensors: [Tensor]) throws(GGUFWriteError) {
        self.path = path
        var alignment = 32
        var keys = Set<String>()
        for (key, value) in metadata {
            guard keys.insert(key).inserted else { throw GGUFWriteError(file: path, "duplicate metadata key \"\(key)\"") }
            if key == "general.alignment" {
                guard case .uint32(let a) = value, a > 0, a & (a - 1) == 0 else {
                    throw GGUFWriteError(file: path, "general.alignment must be a power-of-two uint32, not \(value)")
                }
                alignment = Int(a)
            }
        }
        self.alignment = alignment
        var names = Set<String>()
        var sizes: [Int] = []
        for t in tensors {
            guard !t.name.isEmpty, t.name.utf8.count <= 63, names.insert(t.name).inserted else {
                throw GGUFWriteError(file: path, "tensor name \"\(t.name)\" is empty, longer than 63 bytes or repeated")
            }
            guard (1...4).contains(t.shape.count), t.shape.allSatisfy({ $0 >= 0 }), let bytes = t.byteCount else {
                throw GGUFWriteError(file: path, "tensor \"\(t.name)\" shape \(t.shape) is not 1–4 dimensions of whole \(t.type.name) blocks")
            }
            sizes.append(bytes)
        }
        self.tensors = tensors
        self.sizes = sizes

        var header: [UInt8] = []
        header.append(contentsOf: Array("GGUF".utf8))
        GGUFEncoding.append(UInt32(3), to: &header)
        GGUFEncoding.append(UInt64(tensors.count), to: &header)
        GGUFEncoding.append(UInt64(metadata.count), to: &header)
        for (key, value) in metadata { GGUFEncoding.append(key: key, value: value, to: &header) }
        var offset = 0
        for (t, bytes) in zip(tensors, sizes) {
            GGUFEncoding.append(string: t.name, to: &header)
            GGUFEncoding.append(UInt32(t.shape.count), to: &header)
            for n in t.shape { GGUFEncoding.append(UInt64(n), to: &header) }
            GGUFEncoding.append(t.type.rawValue, to: &header)
            GGUFEncoding.append(UInt64(offset), to: &header)
            offset += Self.padded(bytes, alignment)
        }
        header.append(contentsOf: repeatElement(0, count: Self.padded(header.count, alignment) - header.count))
        fileSize = header.count + offset

        fd = open(path + ".partial", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw GGUFWriteError(file: path, "cannot create \(path).partial (\(String(cString: strerror(errno))))") }
        buffer.reserveCapacity(Self.bufferBytes)
        buffer = header
        skipEmptyTensors()
    }

    deinit {
        if !finished { discard() }
    }

    static func padded(_ n: Int, _ alignment: Int) -> Int { (n + alignment - 1) / alignment * alignment }

    /// The name of the tensor the next `append` bytes belong to (nil when all are complete).
    public var nextTensor: String? { current < tensors.count ? tensors[current].name : nil }

    /// The next `bytes` of tensor data, in table order; a piece may end one tensor and start
    /// the next. More bytes than the tensors take is an error.
    public func append(_ bytes: UnsafeRawBufferPointer) throws(GGUFWriteError) {
        var rest = bytes
        while !rest.isEmpty {
            guard current < tensors.count else {
                throw GGUFWriteError(file: path, "\(rest.count) bytes of tensor data beyond the last tensor")
            }
            let take = min(rest.count, sizes[current] - filled)
            try put(UnsafeRawBufferPointer(rebasing: rest[..<take]))
            rest = UnsafeRawBufferPointer(rebasing: rest[take...])
            filled += take
            if filled == sizes[current] {
                try pad(sizes[current])
                current += 1
                filled = 0
                skipEmptyTensors()
            }
        }
    }

    public func append(_ bytes: [UInt8]) throws(GGUFWriteError) {
        try withBytes(bytes) { (raw) throws(GGUFWriteError) in try append(raw) }
    }

    /// `body` over the array's bytes, keeping the typed error (`withUnsafeBytes` rethrows untyped).
    private func withBytes(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(GGUFWriteError) -> Void) throws(GGUFWriteError) {
        var failure: GGUFWriteError?
        bytes.withUnsafeBytes { raw in
            do throws(GGUFWriteError) { try body(raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Checks that every tensor is complete, then flushes, fsyncs and renames the file to
    /// its real name (and fsyncs the folder, so the rename survives a power loss).
    public func finish() throws(GGUFWriteError) {
        guard current == tensors.count else {
            throw GGUFWriteError(file: path, "tensor \"\(tensors[current].name)\" got \(filled) of its \(sizes[current]) bytes")
        }
        try flush()
        guard fsync(fd) == 0 else { throw failure("fsync") }
        close(fd)
        fd = -1
        guard rename(partialPath, path) == 0 else { throw failure("rename to \(path)") }
        finished = true
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let dir = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dir >= 0 { fsync(dir); close(dir) }
    }

    /// Gives up: closes and removes `PATH.partial` (PATH itself is never touched).
    public func discard() {
        if fd >= 0 { close(fd); fd = -1 }
        if !finished { unlink(partialPath) }
        finished = true
    }

    private func skipEmptyTensors() {
        while current < tensors.count && sizes[current] == 0 { current += 1 }
    }

    private func pad(_ bytes: Int) throws(GGUFWriteError) {
        let n = Self.padded(bytes, alignment) - bytes
        guard n > 0 else { return }
        let zeros = [UInt8](repeating: 0, count: n)
        try withBytes(zeros) { (raw) throws(GGUFWriteError) in try put(raw) }
    }

    private func put(_ bytes: UnsafeRawBufferPointer) throws(GGUFWriteError) {
        if buffer.count + bytes.count <= Self.bufferBytes {
            buffer.append(contentsOf: bytes)
            return
        }
        try flush()
        if bytes.count < Self.bufferBytes {
            buffer.append(contentsOf: bytes)
        } else if let e = FileWrite.all(fd, bytes) {
            throw failure("write", errno: e)
        }
    }

    private func flush() throws(GGUFWriteError) {
        guard !buffer.isEmpty else { return }
        if let e = FileWrite.all(fd, buffer) { throw failure("write", errno: e) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func failure(_ what: String, errno e: Int32 = errno) -> GGUFWriteError {
        let error = GGUFWriteError(file: path, "\(what) failed (\(String(cString: strerror(e))))")
        discard()
        return error
    }
}
