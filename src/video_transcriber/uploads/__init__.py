"""tus integration and validation of uploaded files."""
