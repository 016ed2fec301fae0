/// A coding key for any field name, so the strict decoder can list every key an object
/// holds (to refuse unknown, misspelt fields) and can name a field in an error.
struct CaseCodingKey: CodingKey, Sendable {
    var stringValue: String
    var intValue: Int?

    init(_ name: String) {
        stringValue = name
        intValue = nil
    }

    init?(stringValue: String) { self.init(stringValue) }

    init?(intValue: Int) {
        stringValue = "\(intValue)"
        self.intValue = intValue
    }
}
