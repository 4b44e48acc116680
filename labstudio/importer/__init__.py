"""Spreadsheet import: one pipeline for the command line and the upload page."""

from labstudio.importer.pipeline import ImportOutcome, SheetPreview, import_files
from labstudio.importer.validate import Message

__all__ = ["ImportOutcome", "Message", "SheetPreview", "import_files"]
