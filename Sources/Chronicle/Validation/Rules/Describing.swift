import Foundation

/// A value as it reads in a validation message: dates in RFC 3339, the rest as Swift prints it.
func describe<Value>(_ value: Value) -> String {
    if let date = value as? Date {
        return RFC3339.string(from: date)
    }
    return String(describing: value)
}

/// A duration as it reads in a validation message: `5 minutes`, `2 hours`, `1 day`, `90 seconds`.
func describe(_ duration: Duration) -> String {
    let seconds = duration.components.seconds
    for (unit, size) in [("day", Int64(86_400)), ("hour", 3_600), ("minute", 60)] where seconds >= size && seconds % size == 0 {
        let count = seconds / size
        return "\(count) \(unit)\(count == 1 ? "" : "s")"
    }
    return "\(seconds) second\(seconds == 1 ? "" : "s")"
}

extension Duration {
    /// The duration in seconds, as Foundation counts time.
    package var timeInterval: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
