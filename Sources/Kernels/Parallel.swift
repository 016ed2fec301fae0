import Dispatch
import Foundation
import Glibc
import Synchronization

/// Runs `body(c)` for every `c` in `0..<chunks`, spread over `WorkerThreads.count` threads
/// (the calling thread included), and returns when all chunks are done. Each chunk runs
/// exactly once; chunks are claimed dynamically, so a slow or preempted thread costs only
/// its current chunk.
///
/// A token of decode runs ~150 of these, each only tens of microseconds long, so the cost of
/// starting one matters: `DispatchQueue.concurrentPerform` wakes sleeping workers through
/// the kernel every time. On Linux a small pool of persistent workers spins briefly between
/// jobs instead and sleeps only after about a millisecond without work. Nested or concurrent
/// calls (the pool is busy) fall back to `concurrentPerform`.
public func parallelFor(_ chunks: Int, _ body: @escaping (Int) -> Void) {
    guard chunks > 1 else {
        if chunks == 1 { body(0) }
        return
    }
    if WorkerThreads.count <= 1 {
        for c in 0..<chunks { body(c) }
        return
    }
    if WorkerPool.enabled, let pool = WorkerPool.shared, pool.tryRun(chunks, body) { return }
    DispatchQueue.concurrentPerform(iterations: chunks, execute: body)
}

/// Persistent worker threads for `parallelFor`.
///
/// One job at a time. `state` packs the job's generation (bits 17…), a closed flag (bit 16)
/// and the number of workers inside the job (bits 0–15). A worker enters a job only by a
/// compare-exchange on an open state of that generation; the caller closes the job only
/// when every chunk is finished and no worker is inside, so after `tryRun` returns no
/// worker can still be reading the job's closure.
final class WorkerPool: @unchecked Sendable {
    /// `MEDGEMMA_THREADS=dispatch` uses `concurrentPerform` everywhere (for comparisons).
    static let enabled: Bool = getenv("MEDGEMMA_THREADS").map { String(cString: $0) != "dispatch" } ?? true

    static let shared: WorkerPool? = {
        let workers = WorkerThreads.count - 1
        return workers > 0 ? WorkerPool(workers: min(workers, 255)) : nil
    }()

    private static let closedBit = 1 << 16
    private static let generationUnit = 1 << 17
    /// How long an idle worker spins before it sleeps.
    private static let spinNanoseconds: UInt64 = 1_000_000

    private let busy = Atomic<Bool>(false)
    private let state = Atomic<Int>(closedBit)
    private let nextChunk = Atomic<Int>(0)
    private let finishedChunks = Atomic<Int>(0)
    private let sleepers = Atomic<Int>(0)
    /// The running job; written only by the caller while no worker is inside a job.
    private var body: ((Int) -> Void)?
    private var chunkCount = 0
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    private init(workers: Int) {
        mutex = .allocate(capacity: 1)
        condition = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
        for i in 0..<workers {
            let thread = Thread { [unowned self] in self.workerLoop() }
            thread.name = "medgemma-worker-\(i + 1)"
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    /// `body` is escaping because workers copy it out of `self.body`; they are done with it
    /// (up to a reference-count release) before this returns.
    func tryRun(_ chunks: Int, _ body: @escaping (Int) -> Void) -> Bool {
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
        do {
            self.body = body
            chunkCount = chunks
            nextChunk.store(0, ordering: .relaxed)
            finishedChunks.store(0, ordering: .relaxed)
            // Open the next generation (publishes the fields above), wake sleepers if any.
            let generation = (state.load(ordering: .relaxed) / Self.generationUnit) &+ 1
            state.store(generation &* Self.generationUnit, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                pthread_mutex_lock(mutex)
                pthread_cond_broadcast(condition)
                pthread_mutex_unlock(mutex)
            }
            runChunks(body, chunks)
            var spins = 0
            while finishedChunks.load(ordering: .acquiring) < chunks { Self.backOff(&spins) }
            // Close: only with no worker inside (a worker may have entered and found no chunk left).
            spins = 0
            while true {
                let s = state.load(ordering: .acquiring)
                if s & 0xFFFF == 0,
                   state.compareExchange(expected: s, desired: s | Self.closedBit, ordering: .acquiringAndReleasing).exchanged {
                    break
                }
                Self.backOff(&spins)
            }
            self.body = nil
        }
        busy.store(false, ordering: .releasing)
        return true
    }

    /// Busy-waits briefly, then yields the core on each call: on a machine shared with other
    /// work, the thread being waited for may need this core to finish.
    @inline(__always)
    private static func backOff(_ spins: inout Int) {
        spins &+= 1
        if spins > 256 { sched_yield() }
    }

    private func runChunks(_ body: (Int) -> Void, _ chunks: Int) {
        while true {
            let c = nextChunk.wrappingAdd(1, ordering: .relaxed).oldValue
            if c >= chunks { return }
            body(c)
            finishedChunks.wrappingAdd(1, ordering: .releasing)
        }
    }

    /// Runs chunks of the job this worker has entered.
    ///
    /// A function of its own, never inlined, so that the copy of `body` it takes is released
    /// when it returns. Inlined into `workerLoop`, which never returns, the copy lived in what
    /// the optimiser treats as a dead end (code that cannot reach a return), where Swift's
    /// ownership rules let it drop the release: each job leaked its closure context, ~5 MB
    /// a conversation turn (ParallelTests.testJobsReleaseTheirClosures).
    @inline(never)
    private func runEnteredJob() {
        guard let body else { return }
        runChunks(body, chunkCount)
    }

    private func workerLoop() {
        var seen = state.load(ordering: .acquiring) / Self.generationUnit
        while true {
            // Wait for a new generation: spin, then sleep.
            var s = state.load(ordering: .acquiring)
            if s / Self.generationUnit == seen {
                let start = DispatchTime.now().uptimeNanoseconds
                var spins = 0
                while s / Self.generationUnit == seen {
                    Self.backOff(&spins)
                    if spins & 255 == 0, DispatchTime.now().uptimeNanoseconds &- start > Self.spinNanoseconds {
                        pthread_mutex_lock(mutex)
                        sleepers.wrappingAdd(1, ordering: .sequentiallyConsistent)
                        while state.load(ordering: .sequentiallyConsistent) / Self.generationUnit == seen {
                            pthread_cond_wait(condition, mutex)
                        }
                        sleepers.wrappingSubtract(1, ordering: .sequentiallyConsistent)
                        pthread_mutex_unlock(mutex)
                    }
                    s = state.load(ordering: .acquiring)
                }
            }
            seen = s / Self.generationUnit
            // Enter the job if it is still open.
            while s / Self.generationUnit == seen && s & Self.closedBit == 0 {
                let entered = state.compareExchange(expected: s, desired: s + 1, ordering: .acquiringAndReleasing)
                if entered.exchanged {
                    runEnteredJob()
                    state.wrappingSubtract(1, ordering: .releasing)
                    break
                }
                s = entered.original
            }
        }
    }
}
