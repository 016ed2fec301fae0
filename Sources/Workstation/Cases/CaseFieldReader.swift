/// Strict reading of one JSON object of a `case.json`, field by field.
///
/// `JSONDecoder`'s own errors name Swift types and say little about where; the workstation
/// must instead tell a case author which field is wrong and why, in one line. Every getter
/// here throws a `CaseFieldProblem` carrying the field's full path and a short message:
/// "missing", "expected a string", "unknown field", "longer than 200 characters", ...
struct CaseFieldReader {
    private let container: KeyedDecodingContainer<CaseCodingKey>
    private let path: [any CodingKey]

    init(_ decoder: any Decoder) throws {
        path = decoder.codingPath
        do {
            container = try decoder.container(keyedBy: CaseCodingKey.self)
        } catch {
            throw CaseFieldProblem(path: path, message: "expected an object")
        }
    }

    /// Refuses a key that is not in `allowed`, so that a misspelt optional field
    /// (`priorreport`) is an error rather than silently ignored. The first unknown key in
    /// sorted order is reported, so the message does not depend on hashing.
    func rejectUnknownKeys(allowed: [String]) throws {
        let unknown = container.allKeys.map(\.stringValue).filter { !allowed.contains($0) }.sorted()
        if let first = unknown.first { throw problem(first, "unknown field") }
    }

    func problem(_ key: String, _ message: String) -> CaseFieldProblem {
        CaseFieldProblem(path: path + [CaseCodingKey(key)], message: message)
    }

    /// Present and not `null`.
    func has(_ key: String) -> Bool {
        let k = CaseCodingKey(key)
        guard container.contains(k) else { return false }
        return !((try? container.decodeNil(forKey: k)) ?? true)
    }

    private func require(_ key: String) throws {
        if !has(key) { throw problem(key, "missing") }
    }

    func string(_ key: String, limit: Int, multiline: Bool = false) throws -> String {
        try require(key)
        let value: String
        do {
            value = try container.decode(String.self, forKey: CaseCodingKey(key))
        } catch {
            throw problem(key, "expected a string")
        }
        if let message = CaseText.problem(value, limit: limit, multiline: multiline) {
            throw problem(key, message)
        }
        return value
    }

    func optionalString(_ key: String, limit: Int, multiline: Bool = false) throws -> String? {
        has(key) ? try string(key, limit: limit, multiline: multiline) : nil
    }

    /// A `YYYY-MM-DD` date (`CaseDate`).
    func date(_ key: String) throws -> String {
        let value = try string(key, limit: CaseText.shortLimit)
        if let message = CaseDate.problem(value) { throw problem(key, message) }
        return value
    }

    func optionalDate(_ key: String) throws -> String? {
        has(key) ? try date(key) : nil
    }

    func int(_ key: String, in range: ClosedRange<Int>) throws -> Int {
        try require(key)
        let value: Int
        do {
            value = try container.decode(Int.self, forKey: CaseCodingKey(key))
        } catch {
            throw problem(key, "expected a whole number")
        }
        if !range.contains(value) {
            throw problem(key, "must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return value
    }

    func double(_ key: String) throws -> Double {
        try require(key)
        let value: Double
        do {
            value = try container.decode(Double.self, forKey: CaseCodingKey(key))
        } catch {
            throw problem(key, "expected a number")
        }
        if !value.isFinite { throw problem(key, "must be a finite number") }
        return value
    }

    func bool(_ key: String) throws -> Bool {
        try require(key)
        do {
            return try container.decode(Bool.self, forKey: CaseCodingKey(key))
        } catch {
            throw problem(key, "expected true or false")
        }
    }

    /// A nested object; its own `init(from:)` reports problems inside it.
    func object<T: Decodable>(_ type: T.Type, _ key: String) throws -> T {
        try require(key)
        return try decodeValue(type, key, expected: "expected an object")
    }

    func optionalObject<T: Decodable>(_ type: T.Type, _ key: String) throws -> T? {
        has(key) ? try object(type, key) : nil
    }

    /// A list of objects, its length checked before any element is decoded.
    func array<T: Decodable>(_ type: T.Type, _ key: String, count range: ClosedRange<Int>) throws -> [T] {
        try require(key)
        let count: Int
        do {
            count = try container.nestedUnkeyedContainer(forKey: CaseCodingKey(key)).count ?? 0
        } catch {
            throw problem(key, "expected a list")
        }
        if count < range.lowerBound {
            throw problem(key, range.lowerBound == 1 ? "must not be empty" : "must have at least \(range.lowerBound) entries")
        }
        if count > range.upperBound {
            throw problem(key, "has \(count) entries; at most \(range.upperBound) are allowed")
        }
        return try decodeValue([T].self, key, expected: "expected a list")
    }

    /// A list of one-line strings (`patient.protectedIdentifiers`), each checked like a
    /// short field and at least `minimumLength` characters long; a problem names the entry.
    func stringList(_ key: String, count range: ClosedRange<Int>, limit: Int, minimumLength: Int) throws -> [String] {
        try require(key)
        let values: [String]
        do {
            values = try container.decode([String].self, forKey: CaseCodingKey(key))
        } catch {
            throw problem(key, "expected a list of strings")
        }
        if values.count > range.upperBound {
            throw problem(key, "has \(values.count) entries; at most \(range.upperBound) are allowed")
        }
        if values.count < range.lowerBound { throw problem(key, "must not be empty") }
        for (i, value) in values.enumerated() {
            var message = CaseText.problem(value, limit: limit, multiline: false)
            if message == nil, value.trimmingCharacters(in: .whitespaces).count < minimumLength {
                message = "shorter than \(minimumLength) characters (it would match ordinary text)"
            }
            if let message {
                throw CaseFieldProblem(path: path + [CaseCodingKey(key), CaseCodingKey(intValue: i)!], message: message)
            }
        }
        return values
    }

    /// Problems inside the value (thrown by its own `init(from:)`, also for a list element
    /// that is not an object) pass through with their own path.
    private func decodeValue<T: Decodable>(_ type: T.Type, _ key: String, expected: String) throws -> T {
        do {
            return try container.decode(type, forKey: CaseCodingKey(key))
        } catch let inner as CaseFieldProblem {
            throw inner
        } catch {
            throw problem(key, expected)
        }
    }
}
