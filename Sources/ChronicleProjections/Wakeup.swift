/// Wakes a caught-up runner when events are appended, or after a timeout.
actor Wakeup {
    private var pending = false
    private var waiter: (id: UInt64, continuation: CheckedContinuation<Void, Never>)?
    private var lastID: UInt64 = 0

    /// Wakes the waiting runner, or the next one to wait.
    func signal() {
        if let waiter {
            self.waiter = nil
            waiter.continuation.resume()
        } else {
            pending = true
        }
    }

    /// Returns on a signal (also one that came before), after `timeout`, or on cancellation.
    func wait(upTo timeout: Duration) async {
        if pending {
            pending = false
            return
        }
        lastID += 1
        let id = lastID
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            await self?.expire(id)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiter = (id, continuation)
            }
        } onCancel: {
            Task { await self.expire(id) }
        }
        timer.cancel()
    }

    private func expire(_ id: UInt64) {
        guard let waiter, waiter.id == id else { return }
        self.waiter = nil
        waiter.continuation.resume()
    }
}
