import Glibc
import GGUF
import SafeTensors

/// What an adapter will hold in memory once applied, from its file's header alone (memory
/// plans run before anything loads): LoRA matrices are converted to f32 (4 bytes a value,
/// whatever the file stores), and a whole replaced matrix (`modules_to_save`) stays mapped
/// as stored — the output product reads all of it at every step, so it counts whole.
public enum AdapterFootprint {
    /// Bytes for the adapter at `path` (a PEFT folder or a GGUF LoRA); nil when its header
    /// cannot be read (loading it will then say why in one line).
    public static func bytes(ofAdapterAt path: String) -> Int? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            guard let file = try? SafeTensorsFile(path: path + "/" + PEFTAdapter.weightsName) else { return nil }
            return file.tensorNames.reduce(0) { sum, name in
                guard let t = file.tensor(named: name) else { return sum }
                if case .replacement? = LoRATensorName(name)?.target { return sum + t.fileRange.count }
                return sum + 4 * t.elementCount
            }
        }
        guard let file = try? GGUFFile(headerOf: path) else { return nil }
        return file.tensorInfos.reduce(0) { $0 + 4 * $1.elementCount }
    }
}
