import Foundation

/// One line of the results table.
struct ResultRow {
    /// How a figure reads.
    enum Unit {
        case perSecond, milliseconds, microseconds, megabytes

        func format(_ value: Double) -> String {
            switch self {
            case .perSecond: ResultRow.grouped(Int(value.rounded())) + "/s"
            case .milliseconds: String(format: value < 10 ? "%.2f ms" : "%.1f ms", value)
            case .microseconds: String(format: "%.1f µs", value)
            case .megabytes: String(format: "%.0f MB", value)
            }
        }
    }

    var store: String
    var operation: String
    var detail: String
    var figures: [Double]
    var unit: Unit
    /// The raw-SQL baseline's figures from the same run, where there is one.
    var baseline: [Double]? = nil
    /// The least ratio to the baseline the row should reach (a rate: higher is better).
    var target: Double? = nil

    /// Chronicle's median over the baseline's.
    var ratio: Double? {
        guard let baseline, !baseline.isEmpty else { return nil }
        return median / Self.median(of: baseline)
    }

    var median: Double { Self.median(of: figures) }

    static func median(of figures: [Double]) -> Double {
        let sorted = figures.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// The ratio and whether it meets the target: `0.81× (target 0.75×: met)`.
    var ratioText: String {
        guard let ratio else { return "" }
        let text = String(format: "%.2f×", ratio)
        guard let target else { return text }
        return text + String(format: " (target %.2f×: %@)", target, ratio >= target ? "met" : "MISSED")
    }

    var formatted: String {
        var line = "\(store) | \(operation) | \(detail) | \(unit.format(median)) (min \(unit.format(figures.min() ?? 0)), max \(unit.format(figures.max() ?? 0)), \(figures.count) run\(figures.count == 1 ? "" : "s"))"
        if let baseline { line += " | raw SQL \(unit.format(Self.median(of: baseline))) | \(ratioText)" }
        return line
    }

    static func table(_ rows: [ResultRow]) -> String {
        var lines = [
            "| store | operation | | median | min | max | runs | raw SQL (median) | ratio |",
            "|---|---|---|---:|---:|---:|---:|---:|---|",
        ]
        for row in rows {
            let baseline = row.baseline.map { row.unit.format(Self.median(of: $0)) } ?? ""
            lines.append(
                "| \(row.store) | \(row.operation) | \(row.detail) | \(row.unit.format(row.median)) | \(row.unit.format(row.figures.min() ?? 0)) | \(row.unit.format(row.figures.max() ?? 0)) | \(row.figures.count) | \(baseline) | \(row.ratioText) |")
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
