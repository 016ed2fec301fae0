import Workstation

/// A server the workstation may move to when work is too heavy for this machine (a
/// series question of 85 slices): the one the config names while the in-process engine
/// runs (`medgemma --backend local` with `backend` set in ~/.config/medgemma/config).
/// Connecting is deferred until the user chooses it, and happens off the UI thread.
public struct RemoteBackendOffer: Sendable {
    /// The server as the user knows it ("http://gpu-box:8000/v1").
    public let name: String
    public let connect: @Sendable () throws -> InferenceBackend

    public init(name: String, connect: @escaping @Sendable () throws -> InferenceBackend) {
        self.name = name
        self.connect = connect
    }
}
