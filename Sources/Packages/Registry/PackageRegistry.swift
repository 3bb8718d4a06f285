import PackageInterface
import QuickBooksDesktop
import QuickBooksOnline
import Xero

/// The accounting packages this build knows. Adding one is a folder under
/// `Sources/Packages`, a line here and its target in `Package.swift`
/// (`docs/adding-a-package.md`).
package enum PackageRegistry {
    package static let all = PackageSet([
        XeroPackage(),
        QuickBooksDesktopPackage(),
        QuickBooksOnlinePackage(),
    ])
}
