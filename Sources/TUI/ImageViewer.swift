import MedImaging
import VisionPreprocessing
import Workstation

/// The image pane's state: the images of the open study, which one is shown, the
/// decoded image and how it is looked at (`ImageView`), and the window presets `w`
/// cycles. Keys come in as `Action`s; each returns a short status message or nil.
/// Decoding happens once per image switch; rendering is cached per view and size.
/// An entry that names a folder opens as a series (`stack`): `,`/`.` step through its
/// slices, one decoded at a time, keeping the window and zoom the reader chose.
public struct ImageViewer {
    public private(set) var images: [StudyImage] = []
    public private(set) var index = 0
    public private(set) var image: MedicalImage?
    /// Why the current image could not be shown.
    public private(set) var loadError: String?
    /// The series when the shown entry is a folder of DICOM slices.
    public private(set) var stack: SliceStack?
    /// A folder entry whose headers are still being read off the UI thread
    /// (`adoptOpenedSeries` takes the result).
    private(set) var opening: SeriesOpening?
    /// What the status bar should say about the image just opened (a series' gaps or
    /// duplicates); nil when there is nothing to say.
    public private(set) var notice: String?
    public private(set) var view = ImageView()
    public private(set) var presets: [VOIWindow] = []
    public private(set) var presetIndex = 0
    /// `m`: show what the vision encoder would receive instead of the reader's view.
    public private(set) var showsModelInput = false
    /// The encoder's input size (Gemma 3's SigLIP: 896×896).
    public var modelInputSize = 896

    private var cacheKey: CacheKey?
    private var cached: ImagePreview?

    private struct CacheKey: Equatable {
        var index: Int, slice: Int, view: ImageView, columns: Int, rows: Int, style: ImagePreview.Style, modelInput: Bool
    }

    public init() {}

    /// Shows the first image of a study.
    public mutating func open(_ images: [StudyImage]) {
        self.images = images
        show(0)
    }

    /// Adds an image file after the study's (`:load FILE`) and shows it.
    public mutating func append(_ item: StudyImage) {
        images.append(item)
        show(images.count - 1)
    }

    /// Loads image `index` and resets the view to its own window.
    public mutating func show(_ newIndex: Int) {
        index = newIndex
        image = nil
        loadError = nil
        stack = nil
        opening = nil
        notice = nil
        cacheKey = nil
        cached = nil
        guard images.indices.contains(newIndex) else { presets = []; view = ImageView(); return }
        let item = images[newIndex]
        if let problem = item.problem {
            loadError = problem
        } else if item.isSeries {
            opening = SeriesOpening(item)
        } else {
            do {
                image = try MedicalImage.load(path: item.url.path)
            } catch {
                loadError = TerminalSanitizer.singleLine.sanitize("\(item.image.file): \(error)")
            }
        }
        if let image {
            presets = Self.presets(image, item: item)
        } else {
            presets = []
        }
        presetIndex = 0
        view = ImageView(window: presets.first)
        if let stack { view.frame = stack.series.slices[stack.index].frame ?? 0 }
    }

    /// Whether a series folder is still being read.
    public var isOpeningSeries: Bool { opening != nil }

    /// Takes the series being read off the UI thread once it is ready: its first slice is
    /// shown with the series' own window. True when something changed (redraw, and say
    /// the series' notice); `wait` blocks until it is read (tests).
    public mutating func adoptOpenedSeries(wait: Bool = false) -> Bool {
        guard let opening, let outcome = wait ? opening.wait() : opening.outcome else { return false }
        self.opening = nil
        let item = opening.item
        switch outcome {
        case .success(let (opened, first)):
            notice = opened.notice.map { "\(item.image.file): \($0)" }
            stack = opened
            image = first
            presets = Self.presets(first, item: item)
        case .failure(let error):
            loadError = TerminalSanitizer.singleLine.sanitize("\(item.image.file): \(error)")
            presets = []
        }
        presetIndex = 0
        view = ImageView(window: presets.first)
        if let stack { view.frame = stack.series.slices[stack.index].frame ?? 0 }
        cacheKey = nil
        cached = nil
        return true
    }

    /// Steps `delta` slices through the series (stopping at its ends), keeping the view;
    /// the message is for the status bar. The mouse wheel over the pane comes here too.
    public mutating func stepSlice(by delta: Int) -> String {
        guard var stack else {
            if opening != nil { return "reading the series' slices…" }
            return images.isEmpty ? "no image in this study" : "not a series: an images entry that names a folder of DICOM slices is one"
        }
        let target = stack.index + delta
        guard (0..<stack.count).contains(target) else { return stack.position + (delta < 0 ? " (first slice)" : " (last slice)") }
        cacheKey = nil
        cached = nil
        do throws(DICOMSeriesError) {
            let (loaded, frame) = try stack.load(target)
            image = loaded
            loadError = nil
            view.frame = frame
        } catch {
            image = nil
            loadError = TerminalSanitizer.singleLine.sanitize("\(error)")
        }
        self.stack = stack
        if let loadError { return stack.position + ": " + loadError }
        return stack.statusLine
    }

    /// The entry for the picture shown: the image itself, or the shown slice's own file.
    public var shownItem: StudyImage? {
        guard images.indices.contains(index) else { return nil }
        guard let stack else { return images[index] }
        return images[index].slice(at: stack.path)
    }

    /// The window presets `w` cycles for an image: its own window first (the DICOM file's,
    /// else the case's, else a modality default), then the CT presets for CT.
    static func presets(_ image: MedicalImage, item: StudyImage) -> [VOIWindow] {
        let own = (image.metadata.windows.first == nil ? item.image.window?.voiWindow : nil) ?? image.defaultWindow()
        let isCT = (image.metadata.modality ?? item.image.modality).uppercased() == "CT"
        return WindowPresets.presets(own: own, isCT: isCT && image.metadata.format == .dicom)
    }

    /// The window an image opens with.
    static func initialWindow(_ image: MedicalImage, item: StudyImage) -> VOIWindow? {
        presets(image, item: item).first
    }

    /// Carries out an image action; the message is for the status bar.
    public mutating func perform(_ action: Action) -> String? {
        switch action {
        case .nextImage, .previousImage:
            guard images.count > 1 else { return images.isEmpty ? "no image in this study" : "this study has one image" }
            let step = action == .nextImage ? 1 : images.count - 1
            show((index + step) % images.count)
            return (["image \(index + 1)/\(images.count)", stack?.position, notice]).compactMap { $0 }.joined(separator: " · ")
        case .nextSlice, .previousSlice:
            return stepSlice(by: action == .nextSlice ? 1 : -1)
        default: break
        }
        guard let image else { return loadError ?? (opening != nil ? "reading the series' slices…" : "no image") }
        switch action {
        case .zoomIn: view.zoom = min(16, view.zoom * 1.5)
        case .zoomOut: view.zoom = max(1, view.zoom / 1.5)
        case .panLeft, .panRight, .panUp, .panDown:
            let step = Double(max(image.width, image.height)) / (8 * view.zoom)
            switch action {
            case .panLeft: view.panX -= step
            case .panRight: view.panX += step
            case .panUp: view.panY -= step
            default: view.panY += step
            }
            let limitX = Double(image.width) / 2, limitY = Double(image.height) / 2
            view.panX = min(max(view.panX, -limitX), limitX)
            view.panY = min(max(view.panY, -limitY), limitY)
        case .windowPreset:
            guard !presets.isEmpty else { return "no window presets" }
            presetIndex = (presetIndex + 1) % presets.count
            view.window = presets[presetIndex]
            let preset = presets[presetIndex]
            return "window \(preset.explanation ?? "") \(WindowPresets.label(preset))"
        case .windowNarrower, .windowWider, .levelDown, .levelUp:
            let current = view.window ?? image.defaultWindow(frame: view.frame)
            var width = current.width, center = current.center
            switch action {
            case .windowNarrower: width = max(1, width * 0.9)
            case .windowWider: width = min(1_000_000, width / 0.9)
            case .levelDown: center -= width / 20
            default: center += width / 20
            }
            // Tenths are plenty for display values; it keeps the title free of 1350.0000001.
            view.window = VOIWindow(center: (center * 10).rounded() / 10, width: (width * 10).rounded() / 10,
                                    explanation: "adjusted")
            return "window \(WindowPresets.label(view.window!))"
        case .invert: view.invert.toggle()
        case .equalize:
            view.equalize.toggle()
            return view.equalize ? "histogram equalisation on (display only: the model gets the windowed picture)" : "histogram equalisation off"
        case .resetView:
            presetIndex = 0
            view = ImageView(window: presets.first)
            showsModelInput = false
            return "view reset"
        case .modelView:
            showsModelInput.toggle()
            return showsModelInput
                ? "what the model sees: \(modelInputSize)×\(modelInputSize), through the current window (m returns)"
                : "reader's view"
        default: return nil
        }
        return nil
    }

    /// The pane title: image number, window, zoom and invert, in words when it fits
    /// `width` columns, else in the short form ("1/1 · W400 C40 · 1.5× · inv").
    public func title(fitting width: Int = .max) -> String {
        guard !images.isEmpty else { return "Image" }
        let number = "\(index + 1)/\(images.count)"
        let slice = stack?.position ?? (opening != nil ? "reading series…" : nil)
        guard image != nil else { return (["Image " + number, slice]).compactMap { $0 }.joined(separator: " · ") }
        let zoomTenths = Int((view.zoom * 10).rounded())
        let zoom = "\(zoomTenths / 10).\(zoomTenths % 10)×"
        let window = view.window.map(WindowPresets.label)
        if showsModelInput {
            let full = (["Image " + number, slice, "model input \(modelInputSize)²", window]).compactMap { $0 }.joined(separator: " · ")
            if DisplayWidth.of(full) <= width { return full }
            return ([number, stack.map { "s\($0.index + 1)/\($0.count)" }, "model", window]).compactMap { $0 }.joined(separator: " · ")
        }
        let full = (["Image " + number, slice, window, "zoom " + zoom, view.invert ? "inverted" : nil,
                     view.equalize ? "equalised" : nil]).compactMap { $0 }
            .joined(separator: " · ")
        if DisplayWidth.of(full) <= width { return full }
        let marks = [view.invert ? "inv" : nil, view.equalize ? "eq" : nil]
        if let slice {
            // A series keeps "slice i/n" in words as long as it can (the zoom goes first,
            // it is plain to see), since it is what changes most while reading.
            for parts in [[number, slice, window, zoom] + marks, [number, slice, window] + marks] {
                let text = parts.compactMap { $0 }.joined(separator: " · ")
                if DisplayWidth.of(text) <= width { return text }
            }
        }
        return ([number, stack.map { "s\($0.index + 1)/\($0.count)" }, window, zoom] + marks).compactMap { $0 }
            .joined(separator: " · ")
    }

    /// The rendered preview for a drawing area (cached until the view or size changes).
    public mutating func preview(columns: Int, rows: Int, style: ImagePreview.Style) -> ImagePreview? {
        guard let image, columns > 0, rows > 0 else { return nil }
        let key = CacheKey(index: index, slice: stack?.index ?? 0, view: view, columns: columns, rows: rows, style: style, modelInput: showsModelInput)
        if key == cacheKey, let cached { return cached }
        let preview: ImagePreview
        if showsModelInput {
            // The whole picture, windowed as shown, stretched to the encoder's square
            // input exactly as `ask --image` prepares it (zoom and pan do not apply).
            guard let picture = try? ModelImageSource.rgb(image, mode: .windowed(view.window), frame: view.frame),
                  let input = try? PillowBilinearResampler.resize(picture, width: modelInputSize, height: modelInputSize),
                  let rendered = ImagePreview.render(modelInput: input, columns: columns, rows: rows, style: style) else { return nil }
            preview = rendered
        } else {
            preview = ImagePreview.render(image, view: view, columns: columns, rows: rows, style: style)
        }
        cacheKey = key
        cached = preview
        return preview
    }
}
