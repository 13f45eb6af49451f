"""Word documents: the default layout made from the form definition (default.py), the engine that
fills docxtpl-style templates, compiled once (engine.py), and Word's own ways of marking a field, merge
fields, form fields and content controls, turned into placeholders before compiling (fields.py)."""
