/// The mouse wheel over the image pane steps through a series' slices, wherever the focus
/// is, as in other viewers. It is not a keymap binding: the wheel is bound globally to the
/// transcript, and a pane binding must not shadow it (`KeymapTests`); here the pointer's
/// position, which the keymap never sees, decides.
extension WorkstationApp {
    /// Handles a wheel notch turned over the image pane while it shows a series; false for
    /// any other key or place, which then goes through the keymap as before.
    func wheelStepsSlices(_ key: Key) -> Bool {
        guard key == .wheelUp || key == .wheelDown, imagePane.viewer.stack != nil,
              let cell = terminal.lastWheelCell, let rect = screen.layout?.imagePane,
              (rect.row..<rect.bottom).contains(cell.row), (rect.column..<rect.right).contains(cell.column) else { return false }
        quitGuard.otherKey()
        // Wheel down goes on through the series, as scrolling down a page goes on.
        status.message = imagePane.viewer.stepSlice(by: key == .wheelDown ? 1 : -1)
        return true
    }
}
