import Dispatch
import GGUF
import TestSupport
import Synchronization
import XCTest
@testable import Kernels

final class ParallelTests: XCTestCase {
    /// Every chunk runs exactly once, for many jobs in a row (the pool's generations).
    func testEveryChunkRunsOnce() {
        for chunks in [0, 1, 2, 3, 7, 64, 1000] {
            for _ in 0..<50 {
                let counts = UnsafeMutablePointer<Int>.allocate(capacity: max(chunks, 1))
                counts.initialize(repeating: 0, count: max(chunks, 1))
                defer { counts.deallocate() }
                let p = Pointer(counts)
                parallelFor(chunks) { c in p.pointer[c] += 1 }
                for c in 0..<chunks { XCTAssertEqual(counts[c], 1, "chunk \(c) of \(chunks)") }
            }
        }
    }

    /// A parallelFor inside a chunk (the pool is busy) and from several threads at once
    /// still runs everything exactly once.
    func testNestedAndConcurrentCallers() {
        let outer = 8, inner = 16
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: outer * inner * 4)
        counts.initialize(repeating: 0, count: outer * inner * 4)
        defer { counts.deallocate() }
        let p = Pointer(counts)
        DispatchQueue.concurrentPerform(iterations: 4) { caller in
            parallelFor(outer) { o in
                parallelFor(inner) { i in p.pointer[(caller * outer + o) * inner + i] += 1 }
            }
        }
        for k in 0..<(outer * inner * 4) { XCTAssertEqual(counts[k], 1, "slot \(k)") }
    }

    /// After an idle pause (workers asleep) jobs still complete.
    func testJobsAfterIdle() {
        parallelFor(4) { _ in }
        Thread.sleep(forTimeInterval: 0.02)
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: 32)
        counts.initialize(repeating: 0, count: 32)
        defer { counts.deallocate() }
        let p = Pointer(counts)
        parallelFor(32) { c in p.pointer[c] += 1 }
        XCTAssertEqual((0..<32).map { counts[$0] }, [Int](repeating: 1, count: 32))
    }

    /// Every job's closure, and what it captures, is released by the time `parallelFor`
    /// returns, also when pool workers ran some of its chunks: a worker's copy of the closure
    /// once leaked (see `WorkerPool.runEnteredJob`), ~5 MB a conversation turn.
    func testJobsReleaseTheirClosures() throws {
        guard WorkerPool.enabled, WorkerPool.shared != nil else { throw XCTSkip("no worker pool on this machine") }
        let caller = pthread_self()
        let chunksOffCaller = Atomic<Int>(0)
        for _ in 0..<2000 {
            let captured = LifeCounted()
            parallelFor(4) { _ in
                captured.touch()
                if pthread_equal(pthread_self(), caller) == 0 { chunksOffCaller.wrappingAdd(1, ordering: .relaxed) }
            }
        }
        XCTAssertGreaterThan(chunksOffCaller.load(ordering: .relaxed), 0, "pool workers never ran a chunk")
        XCTAssertEqual(LifeCounted.alive.load(ordering: .relaxed), 0, "closures kept alive after their jobs")
    }

    /// The fused q/k/v and GeGLU mat-vecs give exactly what the separate steps give.
    func testFusedMatVecsMatchSeparateOnes() throws {
        let path = try TestEnvironment.defaultModel()
        let file = try GGUFFile(path: path)
        let q = try file.requireTensor("blk.0.attn_q.weight"), k = try file.requireTensor("blk.0.attn_k.weight")
        let v = try file.requireTensor("blk.0.attn_v.weight")
        let gate = try file.requireTensor("blk.0.ffn_gate.weight"), up = try file.requireTensor("blk.0.ffn_up.weight")
        var generator = SplitMix64(seed: 99)
        let x = (0..<q.info.rowLength).map { _ in generator.nextGaussian() }
        for kernelPath in KernelPath.supported {
            KernelPath.with(kernelPath) {
                x.withUnsafeBufferPointer { xb in
                    let tensors = [q, k, v]
                    var separate = tensors.map { [Float](repeating: .nan, count: $0.info.rowCount) }
                    var fused0 = separate[0], fused1 = separate[1], fused2 = separate[2]
                    for i in 0..<3 { separate[i].withUnsafeMutableBufferPointer { matVec(tensors[i], xb, into: $0) } }
                    fused0.withUnsafeMutableBufferPointer { f0 in
                        fused1.withUnsafeMutableBufferPointer { f1 in
                            fused2.withUnsafeMutableBufferPointer { f2 in
                                matVec([MatVecTarget(q, into: f0), MatVecTarget(k, into: f1), MatVecTarget(v, into: f2)], x: xb)
                            }
                        }
                    }
                    let fused = [fused0, fused1, fused2]
                    for i in 0..<3 {
                        XCTAssertEqual(fused[i].map(\.bitPattern), separate[i].map(\.bitPattern), "\(tensors[i].name) \(kernelPath)")
                    }

                    var g = [Float](repeating: .nan, count: gate.info.rowCount), u = g, geglu = g
                    g.withUnsafeMutableBufferPointer { matVec(gate, xb, into: $0) }
                    u.withUnsafeMutableBufferPointer { matVec(up, xb, into: $0) }
                    geglu.withUnsafeMutableBufferPointer { matVecGeGLU(gate: gate, up: up, x: xb, into: $0) }
                    let want = zip(g, u).map { fastGeluTanh($0) * $1 }
                    XCTAssertEqual(geglu.map(\.bitPattern), want.map(\.bitPattern), "GeGLU \(kernelPath)")
                }
            }
        }
    }
}

/// A pointer the test closures may capture (each chunk writes its own slot).
private struct Pointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Int>
    init(_ pointer: UnsafeMutablePointer<Int>) { self.pointer = pointer }
}

/// Counts its live instances, so a test can see whether a closure capturing one was released.
private final class LifeCounted: Sendable {
    static let alive = Atomic<Int>(0)
    init() { Self.alive.wrappingAdd(1, ordering: .relaxed) }
    deinit { Self.alive.wrappingSubtract(1, ordering: .relaxed) }
    /// Something for a closure to call, so that it captures the instance.
    @inline(never) func touch() {}
}
