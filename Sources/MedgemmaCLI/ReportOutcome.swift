import Workstation

/// What `medgemma report` did for one study, for the progress line and `--json`.
struct ReportOutcome {
    /// The study folder as given on the command line.
    let study: String
    var saved: SavedReport?
    var error: String?
    var generatedTokens = 0
    var tokensPerSecond = 0.0

    var json: JSONValue {
        var fields: [(String, JSONValue)] = [("study", .string(study)), ("status", .string(saved != nil ? "saved" : "failed"))]
        if let saved {
            fields += [("markdown", .string(saved.markdownPath)), ("fhir", .string(saved.fhirPath)),
                       ("usedFallback", .bool(saved.usedFallback)), ("generatedTokens", .int(generatedTokens)),
                       ("tokensPerSecond", .number((tokensPerSecond * 10).rounded() / 10))]
        }
        if let error { fields.append(("error", .string(error))) }
        return .object(fields)
    }
}
