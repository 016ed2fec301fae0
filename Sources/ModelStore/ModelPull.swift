import Foundation
import Glibc
import ModelCatalog
import Support

/// `medgemma pull`: lists the repository's files, picks the model and its vision part,
/// checks free space for what is still missing, then downloads each (`ResumableDownload`)
/// into the models folder and records it verified (`VerificationRecord`), so `medgemma
/// models` lists it as ours and `--model NAME` finds it.
public struct ModelPull {
    public var endpoint: HubEndpoint
    public var folder: String
    public var retry = RetryPolicy()
    /// Free bytes where `folder` is (statvfs); tests give a smaller number.
    public var freeSpace: (String) -> Int64? = DiskSpace.free(atPath:)
    /// Informational lines ("already here", which files were chosen).
    public var log: (String) -> Void = { _ in }
    /// The progress display for a file (name, already have, total); nil shows none.
    public var progress: ((String, Int64, Int64) -> DownloadProgress)?
    /// Told the partial file's path when each download starts (for Ctrl-C's message).
    public var onPartial: (String) -> Void = { _ in }
    /// True stops the pull between pieces, keeping what arrived (`ResumableDownload.isCancelled`).
    public var isCancelled: @Sendable () -> Bool = { false }

    public init(endpoint: HubEndpoint, folder: String) {
        self.endpoint = endpoint
        self.folder = folder
    }

    /// One file the pull brings, and where it goes.
    public struct Item: Sendable, Equatable {
        public var file: HubFile
        public var destination: String
    }

    /// The files `request` names: the one after `:`, else the quantization's model file and
    /// the repository's vision part.
    public func plan(_ request: PullRequest) throws(ModelStoreError) -> [Item] {
        let files = try listFiles(request)
        var chosen: [HubFile]
        if let name = request.file {
            guard let file = files.first(where: { $0.path == name }) ?? (files.isEmpty ? HubFile(path: name, size: -1, sha256: nil) : nil) else {
                throw ModelStoreError.notFound(what: "\(name) in \(request.repo) at \(request.revision)",
                                               url: endpoint.resolveURL(repo: request.repo, revision: request.revision, file: name))
            }
            chosen = [file]
        } else {
            chosen = [try QuantChoice.model(in: files, quant: request.quant, repo: request.repo)]
            if let vision = QuantChoice.visionPart(in: files) { chosen.append(vision) }
        }
        let model = chosen[0]
        return chosen.map { Item(file: $0, destination: folder + "/" + localName($0, model: model, repo: request.repo)) }
    }

    /// Runs the pull; returns the paths of the files now here (model first).
    @discardableResult
    public func run(_ request: PullRequest) throws(ModelStoreError) -> [String] {
        let items = try plan(request)
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw ModelStoreError.io(path: folder, detail: "cannot create the models folder: \(error.localizedDescription)")
        }
        var missing: [Item] = []
        for item in items {
            if isAlreadyHere(item) {
                log("\(item.destination) is already here (verified)")
            } else {
                missing.append(item)
            }
        }
        let needed = missing.reduce(Int64(0)) { sum, item in
            let partial = ((try? FileManager.default.attributesOfItem(atPath: item.destination + ".incomplete"))?[.size] as? NSNumber)?.int64Value ?? 0
            return sum + max(item.file.size - partial, 0)
        }
        if needed > 0, let free = freeSpace(folder), free < needed {
            throw ModelStoreError.noSpace(folder: folder, needed: needed, free: free)
        }
        for item in missing {
            onPartial(item.destination + ".incomplete")
            let name = (item.destination as NSString).lastPathComponent
            var download = ResumableDownload(endpoint: endpoint, repo: request.repo, revision: request.revision, file: item.file,
                                             destination: item.destination, retry: retry,
                                             progress: progress.map { make in { have, total in make(name, have, total) } })
            download.isCancelled = isCancelled
            let sha = try download.run()
            if let sha, let record = Self.record(sha: sha, path: item.destination) {
                let text = "\(record.sha256) \(record.size) \(record.modified)\n"
                // Written beside, then renamed: a record is whole or absent.
                let temporary = item.destination + ".verified.tmp"
                if FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8)) {
                    _ = rename(temporary, item.destination + ".verified")
                }
            }
        }
        return items.map(\.destination)
    }

    func listFiles(_ request: PullRequest) throws(ModelStoreError) -> [HubFile] {
        let url = endpoint.treeURL(repo: request.repo, revision: request.revision)
        var failures = 0
        while true {
            let outcome = HubTransfer.get(URL(string: url)!, token: endpoint.token)
            if outcome.error == nil && outcome.status == 200 { return try HubFileList.parse(outcome.body, url: url) }
            if let error = outcome.error, outcome.status == 0 {
                // No answer at all: a hub that cannot be reached is said at once, not after a minute of retries.
                throw ModelStoreError.transport(url: url, message: OneLineText.clean(error.localizedDescription, limit: 160))
            }
            let body = String(decoding: outcome.body.prefix(4096), as: UTF8.self)
            if outcome.error == nil && !HubStatus.isRetried(outcome.status) {
                if outcome.status == 404 && request.file != nil { return [] }   // no API here: resolve the named file directly
                throw HubStatus.error(outcome.status, url: url, body: body, repo: request.repo,
                                      what: "repository \(request.repo) at \(request.revision)", endpoint: endpoint)
            }
            failures += 1
            if failures > retry.attempts {
                if let error = outcome.error { throw ModelStoreError.transport(url: url, message: OneLineText.clean(error.localizedDescription, limit: 160)) }
                throw HubStatus.error(outcome.status, url: url, body: body, repo: request.repo, what: request.repo, endpoint: endpoint)
            }
            let after = outcome.status == 429 ? outcome.headers["retry-after"].flatMap(Double.init) : nil
            Thread.sleep(forTimeInterval: min(after ?? retry.delay(afterFailures: failures), retry.longestWait))
        }
    }

    /// The model keeps its name; a vision part gets the model's repository name in front
    /// (`medgemma-4b-it-mmproj-F16.gguf`), because every repository calls its own
    /// `mmproj-F16.gguf` and the models folder is one flat folder of several models.
    func localName(_ file: HubFile, model: HubFile, repo: String) -> String {
        guard file.isVisionPart, file != model else { return file.name }
        let prefix = KnownModels.filePrefix(repo: repo)
        return prefix == "-" || file.name.hasPrefix(prefix) ? file.name : prefix + file.name
    }

    /// A file already pulled: its `.verified` record still describes it with the hub's hash.
    func isAlreadyHere(_ item: Item) -> Bool {
        guard FileManager.default.fileExists(atPath: item.destination),
              let record = VerificationRecord.read(besides: item.destination), record.stillDescribes(item.destination) else { return false }
        return item.file.sha256.map { $0 == record.sha256 } ?? true
    }

    static func record(sha: String, path: String) -> VerificationRecord? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = (attributes[.size] as? NSNumber)?.intValue,
              let date = attributes[.modificationDate] as? Date else { return nil }
        return VerificationRecord(sha256: sha, size: size, modified: Int(date.timeIntervalSince1970))
    }
}
