import Foundation
import FoundationNetworking

extension RemoteError {
    /// A `URLSession` failure as the user should read it. Foundation on Linux maps
    /// libcurl's codes to `URLError` (couldn't connect → cannotConnectToHost, couldn't
    /// resolve → cannotFindHost, SSL → secureConnectionFailed/serverCertificate…).
    init(transportError error: Error, endpoint: RemoteEndpoint) {
        let server = endpoint.description
        let host = endpoint.baseURL.host ?? server
        guard let urlError = error as? URLError else {
            self = .network(server: server, detail: endpoint.apiKey?.redacting("\(error)") ?? "\(error)")
            return
        }
        switch urlError.code {
        case .cannotConnectToHost:
            self = .connectionRefused(server: server)
        case .cannotFindHost, .dnsLookupFailed:
            self = .hostNotFound(host: host)
        case .timedOut:
            self = .timedOut(server: server, seconds: Int(endpoint.timeout.rounded()))
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
             .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot, .clientCertificateRejected,
             .clientCertificateRequired:
            self = .tls(server: server, detail: Self.shortDetail(urlError))
        case .networkConnectionLost:
            self = .connectionLost(server: server)
        case .notConnectedToInternet:
            self = .network(server: server, detail: "no network")
        default:
            // libcurl's TLS failures do not all map to a TLS code (a handshake with a
            // plain-HTTP server arrives as an unknown error); its OpenSSL text says which.
            let detail = Self.shortDetail(urlError)
            let lowered = detail.lowercased()
            if ["ssl", "tls", "certificate"].contains(where: lowered.contains) {
                self = .tls(server: server, detail: detail)
            } else {
                self = .network(server: server, detail: detail)
            }
        }
    }

    private static func shortDetail(_ error: URLError) -> String {
        let text = error.localizedDescription
        return text.isEmpty || text.hasPrefix("The operation could not be completed") ? "URL error \(error.code.rawValue)" : text
    }
}
