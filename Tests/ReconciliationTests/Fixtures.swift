import KCCTestSupport

/// The refund files the reconciliation tests read.
let fixtures = TestFiles.repositoryRoot() + "/Tests/ReconciliationTests/Fixtures"
