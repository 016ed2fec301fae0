import Foundation

/// Reads the hub's file list: the tree API's array (`/api/models/REPO/tree/REV`, `lfs.oid`
/// is the sha256) or the model API's `siblings` (`lfs.sha256`).
public enum HubFileList {
    public static func parse(_ data: Data, url: String) throws(ModelStoreError) -> [HubFile] {
        guard let json = try? JSONSerialization.jsonObject(with: data) else {
            throw ModelStoreError.badAnswer(url: url, detail: "the file list is not JSON")
        }
        let entries: [[String: Any]]
        if let array = json as? [[String: Any]] {
            entries = array.filter { ($0["type"] as? String ?? "file") == "file" }
        } else if let object = json as? [String: Any], let siblings = object["siblings"] as? [[String: Any]] {
            entries = siblings
        } else {
            throw ModelStoreError.badAnswer(url: url, detail: "the file list has neither entries nor siblings")
        }
        return entries.compactMap { entry in
            guard let path = entry["path"] as? String ?? entry["rfilename"] as? String else { return nil }
            let lfs = entry["lfs"] as? [String: Any]
            let size = (lfs?["size"] as? NSNumber ?? entry["size"] as? NSNumber)?.int64Value ?? -1
            let sha = (lfs?["sha256"] as? String ?? lfs?["oid"] as? String).map { $0.lowercased() }
            return HubFile(path: path, size: size, sha256: sha.flatMap(Self.isSHA256) )
        }
    }

    static func isSHA256(_ text: String) -> String? {
        text.count == 64 && text.allSatisfy(\.isHexDigit) ? text : nil
    }
}
