-- Runtime events and orphan collection find a session by the handle its resources are named from.
CREATE INDEX sessions_by_handle ON sessions (handle);
