#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Named places where a test can make the process die at once, as a power cut
/// or `kill -9` would, to prove that recovery puts things right.
///
/// Inert unless the environment variable `KCCBRIDGE_FAILPOINT` names the point;
/// then the process sends itself SIGKILL there (no clean-up, no flush).
public enum Failpoint {
    public static func hit(_ name: String) {
        guard let value = getenv("KCCBRIDGE_FAILPOINT"), String(cString: value) == name else { return }
        kill(getpid(), SIGKILL)
    }
}
