"""Remote servers over SSH: sessions, the remote viewer, and the sync client (``apps.remote.sync``)."""
