"""HR records: searching certification records, exports (CSV, XLSX), and the REST API."""
