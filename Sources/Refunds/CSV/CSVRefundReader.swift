import CSVStreaming
import DurableOutput
import KCCModel
import PackageInterface

/// Refunds from a CSV: a channel's export, a report, a bank file. The header
/// decides the profile (``CSVProfile``): the one whose headers it holds, or
/// any CSV with a refund id and an amount when none does. A header that fits
/// several profiles, or none and not the generic reading either, is refused,
/// naming the profiles that came close and what to write.
enum CSVRefundReader {
    /// Every profile: the built-in ones, then those in the configuration.
    static func profiles(_ settings: RefundSettings) -> [CSVProfile] {
        CSVProfile.builtIn + settings.profiles.map(CSVProfile.init)
    }

    /// Hands each refund to `emit` as it is read, in file order (a profile that adds rows up, once the file is
    /// read), and returns the counts of the records that are not refunds. Whole-file problems throw a
    /// ``FileRefusal``; what `emit` throws comes out as it is. Before each refund, `position` is told how many
    /// bytes of the file are read and how many it holds (a regular file's; a pipe tells it nothing).
    static func read(
        _ path: String, _ name: String, settings: RefundSettings, profile forced: String?, source: String?,
        position: ((_ bytesRead: Int, _ fileBytes: Int) -> Void)? = nil, emit: (Refund) throws -> Void
    ) throws -> [String: Int] {
        /// An error of `emit`'s, carried past the reader's own translation of errors into refusals.
        struct Emitted: Error { var error: any Error }
        func handOn(_ refund: Refund) throws {
            do { try emit(refund) } catch { throw Emitted(error: error) }
        }
        do {
            // A header of one field holding tabs is a tab-separated file (Amazon's settlement report).
            var reader = try CSVReader(path: path)
            guard var header = try reader.nextRecord() else {
                throw FileRefusal(at: SourceLocation(file: name, line: 1), "the file is empty: there is no header row")
            }
            if header.fields.count == 1, header.fields[0].contains("\t") {
                reader = try CSVReader(path: path, options: CSVReader.Options(delimiter: UInt8(ascii: "\t")))
                guard let tabbed = try reader.nextRecord() else {
                    throw FileRefusal(
                        at: SourceLocation(file: name, line: 1), "the file is empty: there is no header row")
                }
                header = tabbed
            }
            let headerLocation = SourceLocation(file: name, line: header.line)
            // Only a regular file's size is known ahead: a pipe's is not.
            let fileBytes = FileStamp(reader.fileStatus()).flatMap { $0.size > 0 ? $0.size : nil }
            let profile = try choose(header.fields, forced: forced, settings: settings, at: headerLocation)
            let columns = match(header.fields, profile)
            guard let idColumn = columns[.id]?.first, columns[.amount] != nil else {
                let lacking = columns[.id] == nil ? RefundField.id : .amount
                throw FileRefusal(
                    at: headerLocation,
                    "no column holds the \(lacking == .id ? "refund id" : "amount") (looked for \((profile.columns[lacking] ?? []).joined(separator: ", "))); map it under refunds.columns.\(lacking.rawValue), or describe the file under refunds.profiles"
                )
            }
            let normalised = header.fields.map(CSVProfile.normalise)
            // Rules name columns by their header; each is looked for once, not on every row.
            var indexes: [String: Int?] = [:]
            func index(_ column: String) -> Int? {
                if let known = indexes[column] { return known }
                let found = normalised.firstIndex(of: CSVProfile.normalise(column))
                indexes[column] = found
                return found
            }
            let fieldColumns = FieldCells(columns)
            var read = RefundRead()
            var groups: [String: Group] = [:]
            var groupOrder: [String] = []
            var lastCurrency: String?
            while let record = try reader.nextRecord() {
                func text(_ index: Int?) -> String? {
                    guard let index, index < record.fields.count else { return nil }
                    let text = record.fields[index].trimmingWhitespace()
                    return text.isEmpty ? nil : text
                }
                func cell(_ field: RefundField) -> String? {
                    let value = (fieldColumns[field] ?? []).lazy.compactMap(text).first
                    // A currency given once for the whole file (Amazon's summary row) holds for the rows after it.
                    if field == .currency, profile.stickyCurrency { return value ?? lastCurrency }
                    return value
                }
                if profile.stickyCurrency, let currency = (fieldColumns[.currency] ?? []).lazy.compactMap(text).first {
                    lastCurrency = currency
                }
                let row = passedOver(
                    profile, has: { index($0) != nil }, cell: { text(index($0)) }, amount: cell(.amount),
                    checkSign: profile.groupBy.isEmpty)
                if let kind = row {
                    read.passOver(kind)
                    continue
                }
                var fields = FieldCells<String>()
                for field in RefundField.allCases { fields[field] = cell(field) }
                if !profile.idFrom.isEmpty {
                    let parts = profile.idFrom.compactMap { text(index($0)) }
                    fields[.id] = parts.count == profile.idFrom.count ? parts.joined(separator: " ") : nil
                }
                guard !profile.groupBy.isEmpty else {
                    if let fileBytes { position?(reader.bytesConsumed, fileBytes) }
                    try handOn(
                        refund(
                            record, profile: profile, settings: settings, source: source, file: name,
                            cell: { fields[$0] }, idHeader: header.fields[idColumn]))
                    continue
                }
                // One refund of several rows (principal, tax, shipping, promotion): their amounts summed exactly.
                let parts = profile.groupBy.map { text(index($0)) ?? "" }
                let key = parts.joined(separator: "\u{1F}")
                if parts.contains(where: \.isEmpty) {
                    // Rows that name no refund cannot be added up with any other: each stands alone, and is refused.
                    var alone = Group(record: record, fields: fields)
                    alone.problems.append(
                        "the \(profile.groupBy.joined(separator: " or ")) is missing, so the row's refund cannot be told"
                    )
                    groups["\u{1E}\(record.line)"] = alone
                    groupOrder.append("\u{1E}\(record.line)")
                } else if var group = groups[key] {
                    group.add(fields[.amount], line: record.line)
                    groups[key] = group
                } else {
                    groups[key] = Group(record: record, fields: fields)
                    groupOrder.append(key)
                }
            }
            // Rows added up into refunds: the whole file is read before the first of them.
            if let fileBytes { position?(fileBytes, fileBytes) }
            for key in groupOrder {
                guard let group = groups[key] else { continue }
                if let kind = group.passedOver(profile) {
                    read.passOver(kind)
                    continue
                }
                var fields = group.fields
                fields[.amount] = group.total
                try handOn(
                    refund(
                        group.record, profile: profile, settings: settings, source: source, file: name,
                        cell: { fields[$0] }, idHeader: header.fields[idColumn], extraProblems: group.problems))
            }
            return read.notRefunds
        } catch let emitted as Emitted {
            throw emitted.error
        } catch let error as CSVError {
            throw FileRefusal(at: SourceLocation(file: name, line: error.line), because: error)
        } catch let error as FileRefusal {
            throw error
        } catch {
            throw FileRefusal(at: SourceLocation(file: name), because: error)
        }
    }

    /// The rows of one refund that a channel writes as several (Amazon: one row per amount).
    struct Group {
        let record: CSVRecord
        var fields: FieldCells<String>
        /// The signed sum so far, exactly; `nil` once a row's amount could not be read.
        var sum: ExactDecimal?
        var problems: [String] = []

        init(record: CSVRecord, fields: FieldCells<String>) {
            self.record = record
            self.fields = fields
            sum = ExactDecimal(0)
            add(fields[.amount], line: record.line)
        }

        mutating func add(_ amount: String?, line: Int) {
            guard let amount else {
                problems.append("line \(line): the amount is missing")
                sum = nil
                return
            }
            guard let value = try? ExactDecimal(parsing: amount.hasPrefix("-") ? String(amount.dropFirst()) : amount),
                let current = sum
            else {
                problems.append("line \(line): the amount '\(amount)' cannot be read")
                sum = nil
                return
            }
            let signed = amount.hasPrefix("-") ? ExactDecimal(units: -value.units, scale: value.scale) : value
            sum = current.adding(signed)
            if sum == nil { problems.append("line \(line): the amounts are too large to add up") }
        }

        /// The summed amount as text (`-24.00`), or the first row's when it could not be summed.
        var total: String? {
            sum.map { $0.normalizedDescription } ?? fields[.amount]
        }

        /// Why the summed refund is not one: money in, or nothing at all.
        func passedOver(_ profile: CSVProfile) -> String? {
            guard let sum else { return nil }
            if sum.isZero { return "refunds whose rows add up to nothing" }
            if profile.negativeRefunds, sum.units > 0 { return "rows with money in (a positive amount), not refunds" }
            return nil
        }
    }

    /// The profile for a header: forced by `--from`, else the one whose headers it holds, else the generic reading.
    static func choose(
        _ header: [String], forced: String?, settings: RefundSettings, at location: SourceLocation
    )
        throws(FileRefusal) -> CSVProfile
    {
        let all = profiles(settings)
        let generic = CSVProfile.generic(settings)
        if let forced {
            guard let profile = (all + [generic]).first(where: { $0.name == forced }) else {
                throw FileRefusal(
                    at: location,
                    "there is no refund CSV profile '\(forced)' (known: \((all + [generic]).map(\.name).joined(separator: ", ")))"
                )
            }
            return profile
        }
        let names = Set(header.map(CSVProfile.normalise))
        let fitting = all.filter { !$0.signature.isEmpty && $0.missing(names).isEmpty }
        // A profile written for this business wins over a built-in one its file happens to fit.
        let configured = fitting.filter { profile in settings.profiles.contains { $0.name == profile.name } }
        let candidates = configured.isEmpty ? fitting : configured
        if candidates.count == 1, let only = candidates.first { return only }
        if candidates.count > 1 {
            throw FileRefusal(
                at: location,
                "this header fits several refund profiles (\(candidates.map(\.name).joined(separator: ", "))); name one with --from"
            )
        }
        if ["RefundId", "CreditNote", "OrderNumber", "SourceSystem"].allSatisfy({
            names.contains(CSVProfile.normalise($0))
        }) {
            throw FileRefusal(
                at: location,
                "this is a file kccbridge reconcile wrote (its header has RefundId, CreditNote, OrderNumber and SourceSystem): a KCC payment import goes to KCC's Create and Allocate Payments, a reconciliation report to a person, neither back to reconcile"
            )
        }
        if names.contains(CSVProfile.normalise("RecordType")) && names.contains(CSVProfile.normalise("DocNumber")) {
            throw FileRefusal.batchNotRefunds(
                location.file, "its header has RecordType and DocNumber", line: location.line)
        }
        // Closest first: the largest share of a profile's signature present, then the most headers.
        let close = all.map { ($0, $0.signatureMatches(names)) }.filter { $0.1 > 0 }.sorted { a, b in
            let (left, right) = (a.1 * b.0.signature.count, b.1 * a.0.signature.count)
            return left != right ? left > right : a.1 > b.1
        }.prefix(3)
        // A channel's export missing a header of its profile (a charges export without `Amount Refunded`) must not
        // fall through to the generic reading, which would take every charge for a refund.
        let hinted = all.filter { $0.hints.contains { names.contains(CSVProfile.normalise($0)) } }
        let nearChannel = close.contains { $0.1 >= 2 } || !hinted.isEmpty
        let columns = match(header, generic)
        if !nearChannel, columns[.id] != nil, columns[.amount] != nil { return generic }
        let near = close.map(\.0) + hinted.filter { profile in !close.contains { $0.0.name == profile.name } }
        let closest = near.prefix(3).map { "\($0.name) (lacks \($0.missing(names).joined(separator: ", ")))" }
        throw FileRefusal(
            at: location,
            "this CSV is no refund file kccbridge knows: "
                + (closest.isEmpty ? "no profile's headers are in it" : "closest: " + closest.joined(separator: "; "))
                + "; name a profile with --from, or describe the file under refunds.profiles in kccbridge.yaml (keys: "
                + CSVProfileSettings.keys.joined(separator: ", ") + "; columns.id and columns.amount are required)")
    }

    /// Why a row is not a refund (its kind, for the count), or `nil` when it is one.
    static func passedOver(
        _ profile: CSVProfile, has: (String) -> Bool, cell: (String) -> String?, amount: String?, checkSign: Bool = true
    ) -> String? {
        for rule in profile.rules {
            switch rule {
            case .oneOf(let column, let values, let kind):
                // A column the file does not have decides nothing (older exports lack a status).
                guard has(column) else { continue }
                let value = cell(column) ?? ""
                if !values.contains(value.lowercased()) { return "\(kind) (\(value.isEmpty ? "empty" : value))" }
            case .contains(let column, let word, let kind):
                let value = cell(column) ?? ""
                if !value.lowercased().contains(word) { return "\(kind) (\(value.isEmpty ? "empty" : value))" }
            case .lacks(let column, let word, let kind):
                let value = cell(column) ?? ""
                if value.lowercased().contains(word) { return "\(kind) (\(value))" }
            case .present(let column, let kind):
                if cell(column) == nil { return kind }
            case .nonZeroAmount(let kind):
                guard let amount else { return kind }
                if let value = try? ExactDecimal(parsing: amount.hasPrefix("-") ? String(amount.dropFirst()) : amount),
                    value.isZero
                {
                    return kind
                }
            }
        }
        // Where refunds are written as money out (negative), a positive amount is money in: never a refund.
        if checkSign, profile.negativeRefunds, let amount, !amount.hasPrefix("-"),
            let value = try? ExactDecimal(parsing: amount), !value.isZero
        {
            return "rows with money in (a positive amount), not refunds"
        }
        return nil
    }

    private static func refund(
        _ record: CSVRecord, profile: CSVProfile, settings: RefundSettings, source: String?, file: String,
        cell: (RefundField) -> String?, idHeader: String, extraProblems: [String] = []
    ) -> Refund {
        let location = SourceLocation(file: file, line: record.line)
        var problems = RecordProblems(at: location)
        for problem in record.problems { problems.add(problem.description) }
        for problem in extraProblems { problems.add(problem) }
        // A currency given once for the file is never guessed when it is missing.
        let fallback =
            profile.stickyCurrency ? profile.defaultCurrency : profile.defaultCurrency ?? settings.defaultCurrency
        let currency = RefundValues.currency(cell(.currency), fallback: fallback, problems: &problems)
        let amount = RefundValues.amount(
            cell(.amount), currency: currency, field: "the amount",
            negativeIsRefund: profile.negativeRefunds || settings.negativeAmountsAreRefunds, problems: &problems)
        let date = RefundValues.date(
            cell(.date), slashFormat: profile.dateFormat ?? settings.csvDateFormat, problems: &problems)
        let id = cell(.id) ?? ""
        if id.isEmpty { problems.add("the refund id is missing", field: idHeader) }
        return Refund(
            system: source ?? profile.source, location: location, id: id, date: date, amount: amount,
            creditNote: cell(.creditNote), orderNumber: cell(.orderNumber), reference: cell(.reference),
            method: cell(.method), customer: cell(.customer), problems: problems.findings)
    }

    /// The columns of each field, in the profile's order: a row's value is the
    /// first of them it fills (Shopify's date is `Cancelled at`, else `Paid at`).
    /// A profile may read one column as two fields (Shopify's `Name` is the order
    /// and its refund); the generic reading gives each column one field,
    /// configured names first.
    static func match(_ header: [String], _ profile: CSVProfile) -> [RefundField: [Int]] {
        let normalised = header.map(CSVProfile.normalise)
        let exclusive = profile.signature.isEmpty
        var result: [RefundField: [Int]] = [:]
        var taken: Set<Int> = []
        for field in RefundField.allCases {
            for candidate in profile.columns[field] ?? [] {
                guard let index = normalised.firstIndex(of: CSVProfile.normalise(candidate)) else { continue }
                if exclusive {
                    guard !taken.contains(index) else { continue }
                    result[field] = [index]
                    taken.insert(index)
                    break
                }
                if !(result[field] ?? []).contains(index) { result[field, default: []].append(index) }
            }
        }
        return result
    }
}

/// A value for each refund field (a row's cells, or a profile's columns), kept by the field's place rather
/// than hashed: every row of a refund file looks its fields up several times.
struct FieldCells<Value> {
    private var values: [Value?] = Array(repeating: nil, count: RefundField.allCases.count)

    init() {}

    init(_ dictionary: [RefundField: Value]) {
        for (field, value) in dictionary { self[field] = value }
    }

    subscript(field: RefundField) -> Value? {
        get { values[Self.place(field)] }
        set { values[Self.place(field)] = newValue }
    }

    private static func place(_ field: RefundField) -> Int {
        switch field {
        case .id: 0
        case .orderNumber: 1
        case .creditNote: 2
        case .amount: 3
        case .currency: 4
        case .date: 5
        case .reference: 6
        case .method: 7
        case .customer: 8
        }
    }
}
