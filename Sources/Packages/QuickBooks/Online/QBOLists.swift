import DurableOutput
import KCCModel
import PackageInterface
import XMLStreaming

/// QuickBooks Online's Ids for the names kccbridge writes, read from query
/// responses the user saved from QuickBooks Online's API (`select * from
/// Customer`, in XML or JSON): customers by `DisplayName`, items and accounts
/// by `FullyQualifiedName` or `Name` (accounts also by `AcctNum`), tax codes and payment methods by
/// `Name`, invoices and credit memos by `DocNumber`.
///
/// A name given to two records of one list is ambiguous and never guessed;
/// inactive records are not used (QuickBooks refuses a reference to them).
package struct QBOLists: Sendable {
    /// The entities a list may hold.
    package enum Kind: String, CaseIterable, Sendable {
        case customer = "Customer"
        case item = "Item"
        case account = "Account"
        case taxCode = "TaxCode"
        case paymentMethod = "PaymentMethod"
        case invoice = "Invoice"
        case creditMemo = "CreditMemo"

        /// Whether values of this kind come from the configuration, where an Id may be written.
        var takesConfiguredIDs: Bool { [.item, .account, .taxCode, .paymentMethod].contains(self) }

        /// The fields a record is found by, most specific first.
        var keys: [String] {
            switch self {
            case .customer: ["DisplayName"]
            case .item: ["FullyQualifiedName", "Name"]
            case .account: ["FullyQualifiedName", "Name", "AcctNum"]
            case .taxCode, .paymentMethod: ["Name"]
            case .invoice, .creditMemo: ["DocNumber"]
            }
        }
    }

    /// What a name resolves to.
    package enum Lookup: Equatable, Sendable {
        case id(String)
        /// No list of this kind was given.
        case noList
        case missing
        /// Two records of the list carry the name: their Ids.
        case ambiguous([String])
    }

    private var ids: [Kind: [String: Set<String>]] = [:]
    /// Each record's own name (its first key), by Id.
    private var names: [Kind: [String: String]] = [:]
    /// The files read, in order.
    package private(set) var files: [String] = []
    /// What the user should check (a list that may be only its first page).
    package private(set) var warnings: [String] = []

    package init() {}

    /// Whether any list was given.
    package var isEmpty: Bool { files.isEmpty }

    /// Whether a list of `kind` was given (it may be empty).
    package func has(_ kind: Kind) -> Bool { ids[kind] != nil }

    /// The Id for `name` in the list of `kind`. A value that is already an
    /// Id of that list (a configured Id) resolves to itself.
    package func lookup(_ kind: Kind, _ name: String) -> Lookup {
        guard let names = ids[kind] else { return .noList }
        let key = name.trimmingWhitespace()
        if let found = names[key] {
            if found.count == 1, let id = found.first { return .id(id) }
            return .ambiguous(found.sorted())
        }
        // A configured value may be an Id already; a customer's or document's name never is one.
        if kind.takesConfiguredIDs, names.values.contains(where: { $0 == [key] }) { return .id(key) }
        return .missing
    }

    /// Every record's own name (a credit memo's DocNumber) by its Id.
    package func numbers(_ kind: Kind) -> [String: String] { names[kind] ?? [:] }

    /// Why `value` cannot be given as an Id of `kind`: missing from a given
    /// list, or the name of two of its records; `nil` when it resolves, or when
    /// no list of that kind was given (the value is written as it is).
    package func problem(_ kind: Kind, _ value: String) -> String? {
        switch lookup(kind, value) {
        case .id, .noList:
            return nil
        case .missing:
            let fix =
                kind == .invoice
                ? "post the invoice first, then save the Invoice list again"
                : "add it in QuickBooks Online and save the list again"
            return
                "\(kind.rawValue) '\(value)' is not in the \(kind.rawValue) list given (\(kind.keys.joined(separator: " or "))): \(fix)"
        case .ambiguous(let ids):
            return
                "\(kind.rawValue) '\(value)' is the name of \(ids.count) records in the \(kind.rawValue) list (Ids \(ids.joined(separator: ", "))): name one by its full name or Id"
        }
    }

    /// The list's own name for the record with Id `id` (an account found by its number has a name).
    package func name(_ kind: Kind, id: String) -> String? { names[kind]?[id] }

    /// Reads every file in `paths` (XML or JSON, by its first character).
    package static func load(_ paths: [String]) throws(FileRefusal) -> QBOLists {
        var lists = QBOLists()
        for path in paths { try lists.read(path) }
        return lists
    }

    /// Adds one saved query response.
    package mutating func read(_ path: String) throws(FileRefusal) {
        let head = FileHead.bytes(path, count: 64) ?? []
        let first = head.first { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }
        var records: [(Kind, XMLTree)] = []
        var fault: XMLTree?
        var total: Int?
        if first == UInt8(ascii: "{") {
            let tree = try JSONRecords.read(path, path, root: "IntuitResponse")
            fault = tree["Fault"]
            total = tree.value("QueryResponse/totalCount").flatMap { Int($0) }
            // A query response holds lists; a read of one entity holds the entity itself.
            for holder in [tree["QueryResponse"], tree].compactMap({ $0 }) {
                for kind in Kind.allCases {
                    records += holder.entities(kind.rawValue).map { (kind, $0) }
                }
            }
        } else {
            let names = Set(Kind.allCases.map(\.rawValue) + ["Fault"])
            let inspect: (XMLElementStart) throws(FileRefusal) -> Void = { element in
                guard element.name == "QueryResponse" else { return }
                total = element[attribute: "totalCount"].flatMap { Int($0) }
            }
            try XMLRecords.scan(path, path, root: "IntuitResponse", records: names, inspect: inspect) { record in
                if record.name == "Fault" {
                    fault = record
                } else if let kind = Kind(rawValue: record.name) {
                    records.append((kind, record))
                }
            }
        }
        if let fault {
            throw FileRefusal(
                at: SourceLocation(file: path, line: fault.line),
                "this is a QuickBooks Online error response, not a list: \(Self.faultText(fault)); run the query again and save its answer"
            )
        }
        if records.isEmpty {
            // An empty answer (`<QueryResponse/>`) says nothing about which list it is.
            throw FileRefusal(
                at: SourceLocation(file: path),
                "holds no \(Kind.allCases.map(\.rawValue).joined(separator: ", ")) records: it is not a QuickBooks Online query response kccbridge reads"
            )
        }
        // QuickBooks Online answers a query with at most 100 records unless MAXRESULTS says otherwise (at most
        // 1000), and its maxResults is the count returned: a list of exactly 100 or 1000 may be a first page.
        if [100, 1000].contains(records.count), total.map({ $0 > records.count }) ?? true {
            warnings.append(
                "\(path) holds exactly \(records.count) records, as many as one page of a query's answer: if the list is longer, save the next pages too (STARTPOSITION \(records.count + 1))"
            )
        }
        for (kind, record) in records {
            guard let id = record.value("Id") else {
                throw FileRefusal(
                    at: SourceLocation(file: path, line: record.line), "a \(kind.rawValue) record has no Id")
            }
            if record.value("Active") == "false" { continue }
            for key in kind.keys {
                guard let name = record.value(key) else { continue }
                ids[kind, default: [:]][name, default: []].insert(id)
                if names[kind]?[id] == nil { names[kind, default: [:]][id] = name }
            }
        }
        for (kind, _) in records where ids[kind] == nil { ids[kind] = [:] }
        files.append(path)
    }

    /// The messages of an error response, in one sentence.
    static func faultText(_ fault: XMLTree) -> String {
        var parts: [String] = []
        func walk(_ node: XMLTree) {
            for child in node.children {
                if child.name == "Message" || child.name == "Detail" {
                    let text = child.text.trimmingWhitespace()
                    if !text.isEmpty, !parts.contains(text) { parts.append(text) }
                } else {
                    walk(child)
                }
            }
        }
        walk(fault)
        return parts.isEmpty ? "no message given" : parts.joined(separator: "; ")
    }
}

extension XMLTree {
    /// The children named `name` of a QuickBooks Online answer: in XML they
    /// repeat; in JSON one member holds them as a list whose items carry the
    /// same name, or holds a single entity.
    func entities(_ name: String) -> [XMLTree] {
        all(name).flatMap { child in
            !child.children.isEmpty && child.children.allSatisfy { $0.name == name } ? child.children : [child]
        }
    }
}
