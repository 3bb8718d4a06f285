import KCCModel

/// The accounting packages a run knows, and every question asked of them as a
/// whole: which `--to` targets exist, which reader knows a refund file, what
/// the defaults are. `PackageRegistry.all` is the set the program ships; a
/// test may add a package of its own.
package struct PackageSet: Sendable {
    package let packages: [any AccountingPackage]

    package init(_ packages: [any AccountingPackage]) {
        self.packages = packages
    }

    /// What two packages both claim: an export target, a refund format or
    /// target, a tax-code field, or a configuration section (shared sections
    /// are one type, and allowed); and sections named like a core key. The
    /// first package would win silently, so the registry must have none.
    package var conflicts: [String] {
        var problems: [String] = []
        func check(_ what: String, _ names: [(String, String)]) {
            var owner: [String: String] = [:]
            for (name, package) in names {
                if let first = owner[name], first != package {
                    problems.append("\(what) '\(name)' is claimed by \(first) and \(package)")
                }
                owner[name] = owner[name] ?? package
            }
        }
        check("export target", packages.flatMap { p in p.exportTargets.map { ($0, p.displayName) } })
        check("refund format", packages.flatMap { p in p.refundReaders.map { ($0.format, p.displayName) } })
        check("refund target", packages.flatMap { p in p.refundTargets.map { ($0, p.displayName) } })
        check("tax-code field", packages.flatMap { p in p.taxCodeFields.map { ($0.key, p.displayName) } })
        check(
            "configuration section",
            packages.compactMap { p in p.configurationSection.map { ($0.key, String(describing: $0)) } })
        for section in configurationSections where BridgeConfiguration.coreKeys.contains(section.key) {
            problems.append("configuration section '\(section.key)' is a core key")
        }
        return problems
    }

    // MARK: Converting

    /// Every `convert --to` target, package by package.
    package var exportTargets: [String] { packages.flatMap(\.exportTargets) }

    /// The package that writes `target`.
    package func package(exporting target: String) -> (any AccountingPackage)? {
        packages.first { $0.exportTargets.contains(target.lowercased()) }
    }

    /// The format for `target`, set up from `configuration`.
    package func exportFormat(
        _ target: String, configuration: BridgeConfiguration
    ) throws(FileRefusal) -> (any ExportFormat)? {
        try package(exporting: target)?.exportFormat(target.lowercased(), configuration: configuration)
    }

    // MARK: Refunds

    /// The refund-reading settings of `configuration`, with what each package
    /// adds, and the files a package could not use: refunds are still read (a
    /// bad QuickBooks Online list must not stop a Xero file), and the caller
    /// says what was left out.
    package func refundSettings(
        _ configuration: BridgeConfiguration
    ) -> (settings: RefundSettings, unusable: [FileRefusal]) {
        var settings = configuration.refunds
        var unusable: [FileRefusal] = []
        for package in packages {
            do {
                try package.prepare(&settings, configuration: configuration)
            } catch {
                unusable.append(error)
            }
        }
        return (settings, unusable)
    }

    /// Every refund reader of every package, in registry order.
    package var refundReaders: [any RefundReader] { packages.flatMap(\.refundReaders) }

    /// Every `reconcile --to` target.
    package var refundTargets: [String] { packages.flatMap(\.refundTargets) }

    /// The package that records refunds for `target`.
    package func package(recordingRefundsFor target: String) -> (any AccountingPackage)? {
        packages.first { $0.refundTargets.contains(target.lowercased()) }
    }

    // MARK: Configuration

    /// Every section the packages read (once each, though two packages may share one), then `refunds:` and `routes:`.
    package var configurationSections: [any ConfigurationSection.Type] {
        var seen: Set<String> = []
        var sections: [any ConfigurationSection.Type] = []
        for section in packages.compactMap(\.configurationSection) + [RefundSettings.self, WatchRoutes.self]
        where seen.insert(section.key).inserted {
            sections.append(section)
        }
        return sections
    }

    /// Every field a tax code may carry, package by package.
    package var taxCodeFields: [TaxCodeField] { packages.flatMap(\.taxCodeFields) }

    /// The built-in configuration: the UK VAT codes with every package's names for them.
    package var defaultConfiguration: BridgeConfiguration {
        var configuration = BridgeConfiguration()
        configuration.taxCodeFields = taxCodeFields
        for (code, rate) in BridgeConfiguration.ukVATRates {
            var fields: [String: String] = [:]
            for package in packages {
                fields.merge(package.defaultTaxFields[code] ?? [:]) { first, _ in first }
            }
            configuration.taxCodes[code] = TaxMapping(rate: rate, fields: fields)
        }
        return configuration
    }
}
