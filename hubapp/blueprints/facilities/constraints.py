"""The names by which the database refuses a booking, so that ``bookings`` can tell the user why.

What the database itself refuses — two live bookings of an exclusive room that overlap, a shared
room over capacity at any moment — is DDL that lives in migration 0001
(``migrations/versions/0001_foundation.py``): an exclusion constraint and a trigger on PostgreSQL,
triggers on SQLite. That SQL is frozen in the migration and changes only through a new revision;
these names must match what it raises.
"""

#: Raised by the SQLite trigger for two live bookings of an exclusive room that overlap.
OVERLAP_ERROR = "booking_overlap"
#: Raised by the capacity trigger (SQLite and PostgreSQL) for a shared room over capacity.
CAPACITY_ERROR = "booking_capacity_exceeded"
#: The PostgreSQL exclusion constraint for overlapping live bookings of an exclusive room.
EXCLUSION_CONSTRAINT = "booking_no_overlap"
