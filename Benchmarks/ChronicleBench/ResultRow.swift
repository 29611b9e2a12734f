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
    /// The raw-SQL baseline's figures from the same run, through the same driver, where there is one.
    var baseline: [Double]? = nil
    /// The limit's figures from the same run: the same raw SQL without Swift's drivers
    /// (`pgbench -M prepared` over libpq, or SQLite's C API with one prepared statement).
    var limit: [Double]? = nil
    /// The least ratio to the baseline the row should reach (a rate: higher is better).
    var target: Double? = nil
    /// The least ratio to the limit the row should reach.
    var limitTarget: Double? = nil

    /// Chronicle's median over the baseline's.
    var ratio: Double? { ratio(to: baseline) }

    /// Chronicle's median over the limit's.
    var limitRatio: Double? { ratio(to: limit) }

    private func ratio(to figures: [Double]?) -> Double? {
        guard let figures, !figures.isEmpty else { return nil }
        return median / Self.median(of: figures)
    }

    var median: Double { Self.median(of: figures) }

    static func median(of figures: [Double]) -> Double {
        let sorted = figures.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// The ratio to the same-driver baseline and whether it meets its target: `0.81× (target 0.75×: met)`.
    var ratioText: String { Self.text(ratio, target) }

    /// The ratio to the limit and whether it meets its target.
    var limitRatioText: String { Self.text(limitRatio, limitTarget) }

    private static func text(_ ratio: Double?, _ target: Double?) -> String {
        guard let ratio else { return "" }
        let text = String(format: "%.2f×", ratio)
        guard let target else { return text }
        return text + String(format: " (target %.2f×: %@)", target, ratio >= target ? "met" : "MISSED")
    }

    private func formattedMedian(_ figures: [Double]?) -> String {
        figures.map { unit.format(Self.median(of: $0)) } ?? ""
    }

    var formatted: String {
        var line = "\(store) | \(operation) | \(detail) | \(unit.format(median)) (min \(unit.format(figures.min() ?? 0)), max \(unit.format(figures.max() ?? 0)), \(figures.count) run\(figures.count == 1 ? "" : "s"))"
        if baseline != nil { line += " | raw SQL \(formattedMedian(baseline)) | \(ratioText)" }
        if limit != nil { line += " | limit \(formattedMedian(limit)) | \(limitRatioText)" }
        return line
    }

    static func table(_ rows: [ResultRow]) -> String {
        var lines = [
            "| store | operation | | median | min | max | runs | raw SQL, same driver (median) | ratio | limit (median) | ratio to the limit |",
            "|---|---|---|---:|---:|---:|---:|---:|---|---:|---|",
        ]
        for row in rows {
            lines.append(
                "| \(row.store) | \(row.operation) | \(row.detail) | \(row.unit.format(row.median)) | \(row.unit.format(row.figures.min() ?? 0)) | \(row.unit.format(row.figures.max() ?? 0)) | \(row.figures.count) | \(row.formattedMedian(row.baseline)) | \(row.ratioText) | \(row.formattedMedian(row.limit)) | \(row.limitRatioText) |")
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
