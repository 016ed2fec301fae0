/// What an HTTP status from the hub means for a pull.
enum HubStatus {
    /// The error for a final (non-retried) status; `what` names the file or repository.
    static func error(_ status: Int, url: String, body: String, repo: String, what: String, endpoint: HubEndpoint) -> ModelStoreError {
        switch status {
        case 401, 403:
            return .gated(repo: repo, status: status, url: url, termsPage: endpoint.page(repo: repo), tokenSent: endpoint.token != nil)
        case 404:
            return .notFound(what: what, url: url)
        default:
            return .http(status: status, url: url, message: OneLineText.clean(body, limit: 160))
        }
    }

    static func isRetried(_ status: Int) -> Bool { status == 429 || status >= 500 }
}
