import Foundation

/// One line of the results table.
struct ResultRow {
    /// How a figure reads.
    enum Unit {
        case perSecond, milliseconds, megabytes

        func format(_ value: Double) -> String {
            switch self {
            case .perSecond: ResultRow.grouped(Int(value.rounded())) + "/s"
            case .milliseconds: String(format: value < 10 ? "%.2f ms" : "%.1f ms", value)
            case .megabytes: String(format: "%.0f MB", value)
            }
        }
    }

    var target: String
    var operation: String
    var detail: String
    var figures: [Double]
    var unit: Unit

    var median: Double {
        let sorted = figures.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    var formatted: String {
        "\(target) | \(operation) | \(detail) | \(unit.format(median)) (min \(unit.format(figures.min() ?? 0)), max \(unit.format(figures.max() ?? 0)), \(figures.count) run\(figures.count == 1 ? "" : "s"))"
    }

    static func table(_ rows: [ResultRow]) -> String {
        var lines = [
            "| store | operation | | median | min | max | runs |",
            "|---|---|---|---:|---:|---:|---:|",
        ]
        for row in rows {
            lines.append(
                "| \(row.target) | \(row.operation) | \(row.detail) | \(row.unit.format(row.median)) | \(row.unit.format(row.figures.min() ?? 0)) | \(row.unit.format(row.figures.max() ?? 0)) | \(row.figures.count) |")
        }
        return lines.joined(separator: "\n")
    }

    static func grouped(_ value: Int) -> String {
        var digits = String(value)
        var groups: [Substring] = []
        while digits.count > 3 {
            groups.insert(digits.suffix(3)[...], at: 0)
            digits.removeLast(3)
        }
        groups.insert(digits[...], at: 0)
        return groups.joined(separator: ",")
    }
}
