import Adapters
import Foundation
import GGUF
import Kernels
import Gemma
import Support
import Training
import Workstation

/// `medgemma finetune --data train.jsonl --out adapter.gguf`: a LoRA trained in-process on
/// the CPU, the base model frozen in its quantized blocks (issue 18).
enum FinetuneCommand: Subcommand {
    static let name = "finetune"
    static let summary = "train a LoRA adapter on your own chat examples, in-process"
    static let help = """
    Usage: medgemma finetune --data FILE --out ADAPTER.gguf [--eval FILE [--eval-every N]] [--rank R] [--alpha A]
                             [--dropout P] [--targets all-linear|q,k,v,o,gate,up,down] [--lr LR]
                             [--epochs N | --steps N] [--batch B] [--accumulate K] [--max-length L]
                             [--schedule linear|cosine|constant] [--seed S] [--save-every N]
                             [--peft DIR] [--modules-to-save lm_head,embed_tokens]
                             [--resume] [--force] [--model M] [--mmproj P]

    Trains a LoRA adapter on the model's decoder projections with exact gradients: the base
    weights stay frozen in their quantized blocks (QLoRA-style), each layer is recomputed in
    the backward pass so memory grows with one layer, and the loss is taken on the assistant
    turns only. The result is a llama.cpp GGUF LoRA (llama.cpp --lora and Ollama ADAPTER load
    it; so do --lora and :lora here) and, with --peft, also a Hugging Face PEFT folder
    (PeftModel.from_pretrained loads it).

    Data: JSON lines in the Hugging Face chat "messages" format (what Google's MedGemma
    notebook feeds TRL's SFTTrainer): roles system, user and assistant; content a string or a
    list of {"type": "text", "text": ...} and {"type": "image", "image": PATH} items (a path
    relative to the data file; PNG, JPEG or DICOM). Images go through the frozen vision tower
    (the model's mmproj) once each, prepared as `ask --image` prepares them, and their
    embeddings are kept in the disk cache that ask and the workstation share.

    The defaults are those of Google's MedGemma fine-tuning notebook (LoraConfig r=16,
    lora_alpha=16, lora_dropout=0.05, target_modules="all-linear"; SFTConfig 1 epoch, batch
    4 × accumulation 4, learning rate 2e-4, max_grad_norm 0.3, warm-up ratio 0.03, linear
    schedule; torch AdamW, weight decay 0.01).

    Options:
      --data FILE       training examples (JSONL)
      --eval FILE       held-out examples: their loss before training and after, with its
                        95 % interval (examples as the sampled unit)
      --eval-every N    also their loss every N steps, shown in the progress line (50, the
                        notebook's eval_steps; 0: only before and after)
      --out FILE        the adapter to write (an existing file is refused without --force)
      --rank R          LoRA rank (16)
      --alpha A         LoRA alpha (16); updates are scaled by alpha / rank
      --dropout P       LoRA dropout (0.05)
      --targets T       all-linear (default) or a comma list of q,k,v,o,gate,up,down
      --lr LR           peak learning rate (2e-4)
      --epochs N        passes over the data (1), or --steps N optimiser steps
      --batch B         examples per micro-batch (4)
      --accumulate K    micro-batches per optimiser step (4)
      --max-length L    examples longer than L tokens are cut to L (1024)
      --schedule S      linear (default), cosine or constant, after the warm-up
      --seed S          data order, initial weights and dropout (42)
      --peft DIR        also write the adapter as a PEFT folder (adapter_model.safetensors and
                        adapter_config.json, as save_pretrained writes them), for
                        Gemma3ForConditionalGeneration when the model has an mmproj beside it,
                        else Gemma3ForCausalLM; an existing DIR is refused without --force
      --save-every N    also write the adapter(s) and the checkpoint every N steps (atomically)
      --resume          continue from OUT.checkpoint (written on Ctrl-C and by --save-every):
                        the same adapter, optimiser state and data position, bit for bit;
                        the data and settings must be those of the run that wrote it
      --modules-to-save lm_head,embed_tokens
                        also train whole copies of the output matrix and/or the token
                        embedding, as the notebook's LoraConfig does (opt-in here: 16 bytes per
                        value, 5.4 GB for both on the 270M); --out is then written as a PEFT
                        folder, since the GGUF LoRA format has no place for whole matrices
      --force           replace an existing --out (and --peft DIR)
      --model M         the base GGUF model (default: $MEDGEMMA_MODEL or the default model)
      --mmproj P        the vision part, for examples with images (default: $MEDGEMMA_MMPROJ,
                        else the one mmproj*.gguf beside the model)
      -h, --help        show this help

    """
    static let spec = ArgumentSpec(flags: ["--force", "--resume"],
                                   options: ["--data", "--eval", "--out", "--rank", "--alpha", "--dropout", "--targets", "--lr",
                                             "--epochs", "--steps", "--batch", "--accumulate", "--max-length", "--schedule",
                                             "--seed", "--save-every", "--eval-every", "--peft", "--model", "--mmproj",
                                             ModulesToSaveOption.option],
                                   aliases: ["-m": "--model", "-o": "--out"])

    static func run(_ args: ParsedArguments) throws -> Int32 {
        let command = qualifiedName
        guard let data = args["--data"], !data.isEmpty else { throw UsageError(command: command, "--data FILE is required") }
        guard let out = args["--out"], !out.isEmpty else { throw UsageError(command: command, "--out FILE is required") }
        let checkpointPath = out + ".checkpoint"
        let resume = args.has("--resume")
        if resume && !FileManager.default.fileExists(atPath: checkpointPath) {
            throw CommandFailure("\(checkpointPath): no checkpoint to resume from")
        }
        let modules = try ModulesToSaveOption.parse(args, command: command)
        // Whole trained copies go only into a PEFT folder: --out is then that folder.
        let outIsFolder = !modules.isEmpty
        if outIsFolder && args["--peft"] != nil {
            throw UsageError(command: command, "\(ModulesToSaveOption.option) writes --out as a PEFT folder; --peft is not needed")
        }
        if outIsFolder && out.hasSuffix(".gguf") {
            throw UsageError(command: command, "\(ModulesToSaveOption.option): --out names a folder (a PEFT adapter), not a .gguf: the GGUF LoRA format has no place for whole matrices")
        }
        if let peft = args["--peft"], peft.isEmpty { throw UsageError(command: command, "--peft needs a folder") }
        // The PEFT folder: --peft's, or --out itself when whole copies are trained.
        let peft = outIsFolder ? out : args["--peft"]
        for path in [out] + (peft == out ? [] : [peft].compactMap { $0 })
            where FileManager.default.fileExists(atPath: path) && !args.has("--force") && !resume {
            throw CommandFailure("\(path): already exists (--force replaces it)")
        }
        if let peft {
            do { try PEFTFolderWriter.checkTarget(peft, replacing: true) } catch { throw CommandFailure("\(error)") }
        }
        var settings = TrainingSettings()
        settings.rank = try ArgumentParser.int(args, "--rank", default: settings.rank, range: 1...1024, command: command)
        settings.alpha = Float(try double(args, "--alpha", default: Double(settings.alpha), range: 0...1e6, command: command))
        settings.dropout = try double(args, "--dropout", default: settings.dropout, range: 0...0.95, command: command)
        settings.learningRate = try double(args, "--lr", default: settings.learningRate, range: 0...10, command: command)
        settings.epochs = try ArgumentParser.int(args, "--epochs", default: settings.epochs, range: 1...10_000, command: command)
        if args["--steps"] != nil {
            if args["--epochs"] != nil { throw UsageError(command: command, "--epochs and --steps: choose one") }
            settings.steps = try ArgumentParser.int(args, "--steps", default: 1, range: 1...10_000_000, command: command)
        }
        settings.batchSize = try ArgumentParser.int(args, "--batch", default: settings.batchSize, range: 1...4096, command: command)
        settings.accumulation = try ArgumentParser.int(args, "--accumulate", default: settings.accumulation, range: 1...4096, command: command)
        settings.seed = UInt64(try ArgumentParser.int(args, "--seed", default: Int(settings.seed), range: 0...Int.max, command: command))
        let maxLength = try ArgumentParser.int(args, "--max-length", default: 1024, range: 2...1_048_576, command: command)
        let saveEvery = try ArgumentParser.int(args, "--save-every", default: 0, range: 0...10_000_000, command: command)
        let evalEvery = try ArgumentParser.int(args, "--eval-every", default: 50, range: 0...10_000_000, command: command)
        if args["--eval-every"] != nil && args["--eval"] == nil { throw UsageError(command: command, "--eval-every needs --eval FILE") }
        if let s = args["--schedule"] {
            guard let shape = LearningRateSchedule.Shape(rawValue: s) else {
                throw UsageError(command: command, "--schedule \(s): expected linear, cosine or constant")
            }
            settings.schedule = shape
        }
        let targets: [TextProjection]
        do { targets = try TrainingTargets.parse(args["--targets"] ?? "all-linear") } catch {
            throw UsageError(command: command, "--targets \(args["--targets"] ?? ""): \(error.description)")
        }

        KeptFreedMemory.enable()
        let modelPath = ModelLocator.resolve(args["--model"])
        let file = try GGUFFile(path: modelPath, residency: .memoryIfItFits)
        let model = try GemmaModel(file: file)
        let tokenizer = try GemmaTokenizer(file: file)
        let images = TrainingImages(model: model, cache: EmbeddingCache()) {
            let paired = ModelLocator.pairedMMProj(args["--mmproj"], model: modelPath)
            guard let path = paired.path else {
                throw CommandFailure("an image needs the model's vision part\(paired.note.map { " (\($0))" } ?? ""): pass --mmproj FILE")
            }
            return path
        }
        let encoder = ChatExampleEncoder(tokenizer: tokenizer, imageRows: images.rows)
        func examples(_ path: String) throws -> [TrainingExample] {
            do {
                return try TrainingChat.read(path: path).enumerated().map { i, chat in
                    do { return try encoder.encode(chat).truncated(to: maxLength) } catch { throw ChatExampleError("\(path): example \(i + 1): \(error)") }
                }
            } catch let error as ChatExampleError {
                throw CommandFailure(error.description)
            }
        }
        let train = try examples(data)
        let held = try args["--eval"].map { try examples($0) } ?? []
        if images.count > 0 {
            Console.err((Console.errIsTerminal ? "\r\u{1B}[K" : "") + "\(images.count) image\(images.count == 1 ? "" : "s"): "
                        + "\(images.encoded) encoded, \(images.count - images.encoded) read from the cache\n")
        }
        guard train.contains(where: { !$0.targets.isEmpty }) else { throw CommandFailure("\(data): no example has an assistant turn to learn") }

        var adapter = TrainableAdapter.initial(for: model.config, rank: settings.rank, alpha: settings.alpha, targets: targets, seed: settings.seed)
        try ModulesToSaveOption.apply(modules, to: &adapter, model: model)
        var trainer = Trainer(model: model, settings: settings, examples: train, adapter: adapter)
        // The run's identity: its settings and the data's bytes.
        let fingerprint = settings.fingerprint + " data=" + ((try? FileHashCache.shared.sha256(ofFileAt: data)) ?? "?")
            + (images.mmprojPath.map { " mmproj=" + ((try? FileHashCache.shared.sha256(ofFileAt: $0)) ?? "?") } ?? "")
            + (modules.isEmpty ? "" : " modules_to_save=" + modules.joined(separator: ","))
        if resume {
            let checkpoint: TrainingCheckpoint
            do { checkpoint = try TrainingCheckpoint.read(path: checkpointPath) } catch { throw CommandFailure("\(error)") }
            guard checkpoint.settings == fingerprint else {
                throw CommandFailure("\(checkpointPath): written by a run with other data or settings (\(checkpoint.settings))")
            }
            trainer.restore(checkpoint)
            Console.err("resuming at step \(trainer.optimizer.step) of \(trainer.totalSteps)\n")
        }
        let architecture = (try? file.metadata.string("general.architecture")) ?? "gemma3"
        let name = ((out as NSString).lastPathComponent as NSString).deletingPathExtension
        let peftDescription = PEFTFolderWriter.Description(
            baseClass: ModelLocator.mmproj(nil, model: modelPath) != nil ? .conditionalGeneration : .causalLM,
            dropout: settings.dropout, baseModel: (try? file.metadata.string("general.source.huggingface.repository")) ?? nil)
        // A folder this run wrote (or, resuming, an earlier run of it) may be replaced.
        var replacePEFT = args.has("--force") || resume
        func save(_ adapter: TrainableAdapter) throws {
            if !outIsFolder {
                do { try LoRAFileWriter.write(adapter, architecture: architecture, name: name, to: out) } catch { throw CommandFailure("\(error)") }
            }
            guard let peft else { return }
            do { try PEFTFolderWriter.write(adapter, peftDescription, to: peft, replacing: replacePEFT) } catch { throw CommandFailure("\(error)") }
            replacePEFT = true
        }
        func evalLoss() -> HeldOutLoss? {
            held.isEmpty ? nil : HeldOutLoss.measure(held, model: model, adapter: trainer.adapter)
        }
        func describe(_ loss: HeldOutLoss) -> String {
            "\(Format.fixed(loss.mean, 4)) (95 % CI \(Format.fixed(loss.mean - loss.halfWidth, 4))–\(Format.fixed(loss.mean + loss.halfWidth, 4)), \(loss.examples) examples)"
        }
        let before = evalLoss()
        Console.err("training \((modelPath as NSString).lastPathComponent): \(train.count) examples, \(trainer.totalSteps) steps, "
                    + "rank \(settings.rank), \(targets.map(\.ggufName).joined(separator: ",")) (f32 training; dequantize \(KernelPath.active.rawValue), sgemm \(blasCoreName))\n")
        if let before { Console.err("eval loss before: \(describe(before))\n") }
        let cancel = CancelFlag()
        let interrupt = InterruptWatcher { cancel.raise() }
        defer { interrupt.stop() }
        let started = ContinuousClock.now
        var tokens = 0
        var lastEval = before.map { Format.fixed($0.mean, 4) }
        while !trainer.finished && !cancel.isRaised {
            let p = trainer.step()
            tokens += p.tokens
            if !held.isEmpty && evalEvery > 0 && p.step % evalEvery == 0 && p.step < p.totalSteps {
                lastEval = evalLoss().map { Format.fixed($0.mean, 4) }
            }
            let seconds = Format.seconds(ContinuousClock.now - started)
            let eta = seconds / Double(p.step) * Double(p.totalSteps - p.step)
            let line = "step \(p.step)/\(p.totalSteps)  loss \(Format.fixed(p.loss, 4))" + (lastEval.map { "  eval \($0)" } ?? "") + "  lr \(String(format: "%.2e", p.learningRate))"
                + "  grad-norm \(Format.fixed(p.gradientNorm, 3))  \(Format.fixed(Double(tokens) / seconds, 0)) tok/s  ETA \(Format.fixed(eta, 0)) s"
            Console.err(Console.errIsTerminal ? "\r\u{1B}[K" + line : line + "\n")
            if saveEvery > 0 && p.step % saveEvery == 0 && !trainer.finished {
                try save(trainer.adapter)
                try saveCheckpoint(trainer, fingerprint, to: checkpointPath)
            }
        }
        if cancel.isRaised {
            try saveCheckpoint(trainer, fingerprint, to: checkpointPath)
        } else {
            unlink(checkpointPath)
        }
        if Console.errIsTerminal { Console.err("\n") }
        try save(trainer.adapter)
        if let after = evalLoss(), let before { Console.err("eval loss: \(Format.fixed(before.mean, 4)) → \(describe(after))\n") }
        if let peft, peft != out { Console.err("wrote \(peft) (PEFT, for \(peftDescription.baseClass.rawValue))\n") }
        Console.err("wrote \(out)" + (outIsFolder ? " (PEFT, for \(peftDescription.baseClass.rawValue))" : "") + (cancel.isRaised
            ? " (stopped at step \(trainer.optimizer.step) of \(trainer.totalSteps); --resume continues from \(checkpointPath))\n" : "\n"))
        return cancel.isRaised ? 130 : 0
    }

    private static func saveCheckpoint(_ trainer: Trainer, _ fingerprint: String, to path: String) throws {
        do { try trainer.checkpoint(settings: fingerprint).write(to: path) } catch { throw CommandFailure("\(error)") }
    }

    private static func double(_ args: ParsedArguments, _ name: String, default value: Double, range: ClosedRange<Double>,
                               command: String) throws -> Double {
        guard let text = args[name] else { return value }
        guard let v = Double(text), v.isFinite, range.contains(v) else {
            throw UsageError(command: command, "\(name) must be a number in \(range.lowerBound)...\(range.upperBound), got '\(text)'")
        }
        return v
    }
}
