/// A first-in first-out buffer with amortized O(1) append and removal at the front. Removed slots are
/// cleared at once, so evicted payloads are freed immediately (the queue's byte bound is real memory).
struct FIFO<Element> {
    private var storage: [Element?] = []
    private var head = 0

    var count: Int { storage.count - head }
    var isEmpty: Bool { head == storage.count }
    var first: Element? { isEmpty ? nil : storage[head] }

    mutating func append(_ e: Element) { storage.append(e) }

    @discardableResult
    mutating func removeFirst() -> Element? {
        guard head < storage.count else { return nil }
        let e = storage[head]
        storage[head] = nil
        head += 1
        if head == storage.count {
            storage.removeAll(keepingCapacity: storage.count <= 4096)
            head = 0
        } else if head >= 1024 && head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return e
    }

    /// Puts an element back at the front.
    mutating func prepend(_ e: Element) {
        if head > 0 {
            head -= 1
            storage[head] = e
        } else {
            storage.insert(e, at: 0)
        }
    }

    /// The elements, oldest first, without copying.
    var elements: LazyMapSequence<ArraySlice<Element?>, Element> { storage[head...].lazy.map { $0! } }
}

extension FIFO: Sendable where Element: Sendable {}
