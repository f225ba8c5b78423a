"""The viewer's configuration: the storage root it serves, and saved SSH connections (secrets encrypted)."""
