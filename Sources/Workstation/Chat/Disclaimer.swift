/// The note every AI output carries, wherever it is shown or saved.
public enum Disclaimer {
    public static let text = "AI-generated research draft — not for clinical use; requires review by a qualified clinician."
}
