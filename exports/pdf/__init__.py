"""PDFs through LibreOffice, bounded so they cannot stall the server (convert.py), the warm LibreOffice
one server process keeps (warm.py, run by Debian's Python with the UNO bindings), and the pictures of an
upload's first pages for its report (preview.py)."""
