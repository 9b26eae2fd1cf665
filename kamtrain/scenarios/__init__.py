"""Role-play scenarios: file format and checks, the pure engine, storage of versions, runs, marking of
written replies, statistics and the graph drawing."""
