import Foundation
import MedImaging
import VisionPreprocessing

/// What a remote server receives for an attached picture: exactly what the local pipeline
/// gives the vision encoder before normalisation — the windowed RGB picture stretched to
/// the model's input size (896×896 for MedGemma) with Pillow's antialiased bilinear —
/// as a lossless PNG data URL. The server's own resize then has nothing left to change,
/// so every backend sees the same pixels ("what the model sees").
public enum RemoteImageEncoder {
    /// The picture at the model's input size.
    public static func modelView(of picture: RGBImage, size: Int) throws(RemoteError) -> RGBImage {
        do {
            return try PillowBilinearResampler.resize(picture, width: size, height: size)
        } catch {
            throw .imageEncoding("\(error)")
        }
    }

    /// The model-size picture as PNG bytes.
    public static func png(of picture: RGBImage, size: Int) throws(RemoteError) -> [UInt8] {
        let seen = try modelView(of: picture, size: size)
        do {
            return try PNGEncoder.encode(DecodedImage(width: seen.width, height: seen.height, channels: .rgb, pixels: .eight(seen.pixels)))
        } catch {
            throw .imageEncoding("\(error)")
        }
    }

    /// `data:image/png;base64,…` for an `image_url` content part.
    public static func dataURL(of picture: RGBImage, size: Int) throws(RemoteError) -> String {
        "data:image/png;base64," + Data(try png(of: picture, size: size)).base64EncodedString()
    }
}
