"""The articles index, defined as code: Indonesian analysis, mapping, versions and alias."""
