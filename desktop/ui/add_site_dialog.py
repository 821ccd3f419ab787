"""File ▸ Add Site…: one address field; Enter starts the sync once the address is an http(s) address.

Nothing here touches the network: the dialog only checks the address's form and hands it on.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLineEdit, QVBoxLayout, QWidget

from desktop.core.formats.site_http import SiteError, normalise_address
from desktop.ui.text import plain_label

HINT = ("The address of any page of a WordPress site. Its posts and pages are copied into the library, "
        "and Update fetches only what changed since.")


def checked_address(text: str) -> str | None:
    """The address as the sync needs it (``example.com`` → ``https://example.com/``), or None when it is not one."""
    if not text.strip() or any(c.isspace() for c in text.strip()):
        return None
    try:
        address = normalise_address(text)
        urlsplit(address).port  # noqa: B018 - raises ValueError for a port that is not a number
    except (SiteError, ValueError):
        return None
    return address


class AddSiteDialog(QDialog):
    """Asks for a site's address; ``chosen`` carries it, made absolute, when the user presses Add."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add Site")
        self.address = QLineEdit()
        self.address.setPlaceholderText("https://example.com")
        self.address.setAccessibleName("Site address")
        self.address.setMinimumWidth(380)
        self.problem = plain_label()
        self.problem.hide()
        hint = plain_label(HINT)
        hint.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.add_button = self.buttons.addButton("Add", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.on_add_clicked)
        self.buttons.rejected.connect(self.reject)
        self.address.textChanged.connect(self.on_address_changed)
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label("Site address:"))
        layout.addWidget(self.address)
        layout.addWidget(self.problem)
        layout.addWidget(hint)
        layout.addWidget(self.buttons)
        self.add_button.setDefault(True)  # Enter adds; only once the button is inside the dialog does this stick
        self.on_address_changed("")

    def on_address_changed(self, text: str) -> None:
        """Add is enabled while the field holds something; a complaint goes once the text changes."""
        self.add_button.setEnabled(bool(text.strip()))
        self.problem.hide()

    def on_add_clicked(self) -> None:
        """Start with a valid address; otherwise say what is wrong and keep the dialog open."""
        address = checked_address(self.address.text())
        if address is None:
            self.problem.setText("That is not a web address. Try one like https://example.com")
            self.problem.show()
            self.adjustSize()
            self.address.setFocus()
            return
        self.accept()
        self.chosen.emit(address)


def show_add_site_dialog(parent: QWidget) -> AddSiteDialog:
    """Open File ▸ Add Site… over ``parent`` (window-modal); the dialog deletes itself when closed."""
    dialog = AddSiteDialog(parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
