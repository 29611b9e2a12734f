extension Duration {
    /// A duration of whole minutes: `.minutes(5)`.
    public static func minutes(_ minutes: Int) -> Duration {
        .seconds(minutes * 60)
    }

    /// A duration of whole hours: `.hours(2)`.
    public static func hours(_ hours: Int) -> Duration {
        .seconds(hours * 3_600)
    }

    /// A duration of whole days of 24 hours: `.days(1)`.
    public static func days(_ days: Int) -> Duration {
        .seconds(days * 86_400)
    }
}
