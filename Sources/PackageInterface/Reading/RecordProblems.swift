import KCCModel

/// The problems of one refund record as it is read: each an error finding at
/// the record's place, naming the field where there is one.
package struct RecordProblems {
    package let location: SourceLocation
    package private(set) var findings: [Finding] = []

    package init(at location: SourceLocation) {
        self.location = location
    }

    package mutating func add(_ message: String, field: String? = nil) {
        findings.append(Finding(.error, at: location, field: field, message))
    }
}
