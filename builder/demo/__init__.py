"""What sales engineers run: the local demo server, status, the realism check."""
