"""Place-of-safety registry: port gazetteer and designations."""
