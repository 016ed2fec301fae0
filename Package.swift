// swift-tools-version:5.9
// MedGemma Workstation — an in-process Gemma 3 / MedGemma engine and terminal workstation.
// No SwiftPM package dependencies: system libraries only, each behind a module map.
import PackageDescription

// x86-64 kernels are compiled for AVX2 + FMA + F16C and only called after a run-time CPU
// check (Kernels/CPUFeatures.swift); on other hosts the target builds empty, without flags.
#if arch(x86_64)
let avx2Flags: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-mavx2", "-Xcc", "-mfma", "-Xcc", "-mf16c"])]
// AVX-512 (F/BW/VL/DQ) with VNNI and BF16 for the matrix kernels of prompt processing and
// the vision tower, called only after `CPUFeatures.avx512VNNI`.
let avx512Flags: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-mavx2", "-Xcc", "-mfma", "-Xcc", "-mf16c",
                                                 "-Xcc", "-mavx512f", "-Xcc", "-mavx512bw", "-Xcc", "-mavx512vl",
                                                 "-Xcc", "-mavx512dq", "-Xcc", "-mavx512vnni", "-Xcc", "-mavx512bf16"])]
// AVX-VNNI (256-bit `vpdpbusd`) for the matrix kernel of CPUs without AVX-512, called only
// after `CPUFeatures.avxVNNI`.
let avxVNNIFlags: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-mavx2", "-Xcc", "-mfma", "-Xcc", "-mf16c", "-Xcc", "-mavxvnni"])]
#else
let avx2Flags: [SwiftSetting] = []
let avxVNNIFlags: [SwiftSetting] = []
let avx512Flags: [SwiftSetting] = []
#endif

// `make test-tsan` (CI's ThreadSanitizer pass) sets MEDGEMMA_TSAN_KERNELS=plain: the numeric
// kernels' loads and stores are then left uninstrumented (their locks, atomics and threads are
// still seen), because instrumented they make the model-driven tests 50–100× slower.
// `make test-sanitized` instruments everything.
let kernelTSan: [SwiftSetting] = Context.environment["MEDGEMMA_TSAN_KERNELS"] == "plain"
    ? [.unsafeFlags(["-Xllvm", "-tsan-instrument-memory-accesses=false", "-Xllvm", "-tsan-instrument-func-entry-exit=false"])]
    : []

let package = Package(
    name: "medgemma",
    products: [
        .executable(name: "medgemma", targets: ["medgemma"]),
        .executable(name: "medgemma-fuzz", targets: ["MedgemmaFuzz"]),
    ],
    targets: [
        // Thin C-library targets: the only places where C headers are imported.
        .systemLibrary(name: "CNCursesW", path: "Sources/CNCursesW",
                       providers: [.apt(["libncursesw5-dev"])]),
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CLibPNG", path: "Sources/CLibPNG",
                       providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CLibJPEG", path: "Sources/CLibJPEG",
                       providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "COpenJPEG", path: "Sources/COpenJPEG",
                       providers: [.apt(["libopenjp2-7-dev"])]),
        .systemLibrary(name: "CCharLS", path: "Sources/CCharLS",
                       providers: [.apt(["libcharls-dev"])]),
        .systemLibrary(name: "CCrypto", path: "Sources/CCrypto",
                       providers: [.apt(["libssl-dev"])]),
        // Header-only: the AVX-512 BF16 intrinsics, whose `__m512bh` type Swift cannot import,
        // wrapped over plain vectors for KernelsAVX512 (its only user).
        .systemLibrary(name: "CAVX512BF16", path: "Sources/CAVX512BF16"),

        // What every module may use: one-line error text, number and duration formatting, whole-file reading, SHA-256 (libcrypto), the user's home and XDG folders.
        .target(name: "Support", dependencies: ["CCrypto"]),
        // GGUF container, metadata, tensor views and quant block layouts.
        .target(name: "GGUF", dependencies: ["Support"]),
        // The safetensors container over `mmap`: header JSON checked, tensor views, F32/F16/BF16 to floats.
        .target(name: "SafeTensors", dependencies: ["Support"]),
        // AVX2 integer dot products (x86-64 only; never called on a CPU without AVX2/FMA/F16C).
        .target(name: "KernelsAVX2", swiftSettings: avx2Flags + kernelTSan),
        // AVX-512 VNNI and BF16 matrix kernels (x86-64 only; never called on a CPU without them).
        .target(name: "KernelsAVX512", dependencies: ["CAVX512BF16"], swiftSettings: avx512Flags + kernelTSan),
        // The AVX2 matrix kernel with AVX-VNNI's `vpdpbusd` (x86-64 only; never called without it).
        .target(name: "KernelsAVXVNNI", dependencies: ["KernelsAVX2"], swiftSettings: avxVNNIFlags + kernelTSan),
        // Dequantization, activation quantization, quantized dot products, matmul, worker threads, BLAS, CPU check.
        .target(name: "Kernels", dependencies: ["GGUF", "COpenBLAS", "KernelsAVX2", "KernelsAVX512", "KernelsAVXVNNI"], swiftSettings: kernelTSan),
        // Tokenizer, chat template, the Gemma 3 forward pass and vision tower, sampler, engine.
        // LoRA adapter files: llama.cpp's GGUF LoRA and PEFT folders, read into plain matrices.
        .target(name: "Adapters", dependencies: ["Support", "GGUF", "Kernels", "SafeTensors"]),
        .target(name: "Gemma", dependencies: ["Support", "GGUF", "Kernels", "Adapters"]),
        // Reading medical images (PNG, JPEG, DICOM — deflated through zlib; JPEG 2000 through OpenJPEG, JPEG-LS through CharLS) into one MedicalImage, and window/level views of it.
        .target(name: "MedImaging", dependencies: ["Support", "CLibPNG", "CLibJPEG", "CZlib", "COpenJPEG", "CCharLS"]),
        // The Gemma 3 image processor: the model's RGB picture, bilinear resize, normalisation, pan-and-scan.
        .target(name: "VisionPreprocessing", dependencies: ["MedImaging"]),
        // Cases, studies, reports, chat sessions, embeddings, persistence, inference backends; no terminal code.
        .target(name: "Workstation", dependencies: ["Support", "Gemma", "MedImaging", "VisionPreprocessing"]),
        // The OpenAI-compatible server backend: HTTP/SSE client, API keys, endpoint config, retries.
        .target(name: "RemoteInference", dependencies: ["Support", "Gemma", "MedImaging", "VisionPreprocessing", "Workstation"]),
        // Image preview encoders for terminals: sixel, Unicode half-blocks, ASCII.
        .target(name: "TerminalGraphics"),
        // The terminal workstation on ncursesw: panes, keymap, editors, themes, WorkstationApp.
        .target(name: "TUI", dependencies: ["Support", "CNCursesW", "Workstation", "TerminalGraphics", "MedImaging", "VisionPreprocessing"]),
        // The GGUF models on this machine, ours and other tools' (`medgemma models`).
        .target(name: "ModelCatalog", dependencies: ["Support"]),
        // Measuring a model on one's own data (`medgemma eval`): task files, likelihood and generative scoring, metrics, run files.
        // LoRA training: the backward pass through Gemma 3, the optimiser, checkpoints.
        .target(name: "Training", dependencies: ["Support", "GGUF", "Kernels", "Adapters", "Gemma", "SafeTensors"]),
        .target(name: "Evaluation", dependencies: ["Support", "Gemma", "MedImaging", "VisionPreprocessing", "Workstation"]),
        // Downloading GGUF models from a Hugging Face–compatible hub (`medgemma pull`).
        .target(name: "ModelStore", dependencies: ["Support", "ModelCatalog"]),
        // Subcommands and hand-written argument parsing; the executable only calls in.
        .target(name: "MedgemmaCLI", dependencies: ["Support", "GGUF", "Kernels", "Adapters", "Gemma", "MedImaging", "VisionPreprocessing", "Workstation", "RemoteInference", "TerminalGraphics", "TUI", "ModelCatalog", "ModelStore", "Evaluation", "Training"]),
        // The executable: `main` calls MedgemmaCLI.
        .executableTarget(name: "medgemma", dependencies: ["MedgemmaCLI"]),
        // Every parser of outside data as a function of bytes: libFuzzer's targets (`make fuzz`)
        // and the replayer of what it finds (a normal build of medgemma-fuzz).
        .target(name: "FuzzTargets", dependencies: ["GGUF", "SafeTensors", "MedImaging", "Gemma", "Workstation", "RemoteInference", "TUI"]),
        .executableTarget(name: "MedgemmaFuzz", dependencies: ["FuzzTargets"]),

        // Test helpers: fixture paths, the real default model, the built executable.
        .target(name: "TestSupport", dependencies: ["Support"], path: "Tests/TestSupport"),
        // Each test target tests the module of its name, its folders mirroring the module's.
        .testTarget(name: "SupportTests", dependencies: ["Support"]),
        .testTarget(name: "FuzzTargetsTests", dependencies: ["FuzzTargets", "TestSupport"]),
        .testTarget(name: "GGUFTests", dependencies: ["GGUF", "TestSupport"]),
        .testTarget(name: "SafeTensorsTests", dependencies: ["SafeTensors", "TestSupport"]),
        .testTarget(name: "AdaptersTests", dependencies: ["Adapters", "SafeTensors", "Support", "TestSupport"]),
        .testTarget(name: "KernelsTests", dependencies: ["Kernels", "GGUF", "TestSupport"]),
        .testTarget(name: "KernelsAVX512Tests", dependencies: ["KernelsAVX512", "Kernels", "TestSupport"]),
        .testTarget(name: "GemmaTests", dependencies: ["Gemma", "Adapters", "GGUF", "Kernels", "TestSupport"]),
        .testTarget(name: "MedImagingTests", dependencies: ["Support", "MedImaging", "TestSupport"]),
        .testTarget(name: "VisionPreprocessingTests", dependencies: ["Support", "VisionPreprocessing", "MedImaging", "Workstation", "TestSupport"]),
        .testTarget(name: "WorkstationTests", dependencies: ["Support", "Workstation", "Adapters", "Gemma", "MedImaging", "VisionPreprocessing", "RemoteInference", "TestSupport"]),
        .testTarget(name: "RemoteInferenceTests", dependencies: ["Support", "RemoteInference", "Workstation", "Gemma", "MedImaging", "VisionPreprocessing", "TestSupport"]),
        .testTarget(name: "TerminalGraphicsTests", dependencies: ["TerminalGraphics", "TestSupport"]),
        .testTarget(name: "TUITests", dependencies: ["TUI", "Workstation", "Gemma", "MedImaging", "VisionPreprocessing", "RemoteInference", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Gemma", "Adapters", "GGUF", "Kernels", "SafeTensors", "TestSupport"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Evaluation", "Support", "Gemma", "MedImaging", "VisionPreprocessing", "Workstation", "TestSupport"]),
        .testTarget(name: "ModelStoreTests", dependencies: ["ModelStore", "ModelCatalog", "TestSupport"]),
        .testTarget(name: "MedgemmaCLITests", dependencies: ["Support", "MedgemmaCLI", "Gemma", "MedImaging", "VisionPreprocessing", "Workstation", "TestSupport", .target(name: "medgemma")]),
    ]
)
