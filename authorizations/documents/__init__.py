"""Supporting documents: what a file must be to be kept, adding, reading and
removing one, their pages and admin."""
