"""HTML of a summary page -> the record of RECORD.md; pure functions, no I/O."""

from parsers.profile import DEFAULT_PROFILE, Profile, ProfileError, load_profile
from parsers.links import LINKS_VERSION
from parsers.record import PARSER_VERSION, Record, parse, parse_with_links

__all__ = ["DEFAULT_PROFILE", "LINKS_VERSION", "PARSER_VERSION", "Profile", "ProfileError", "Record", "load_profile", "parse", "parse_with_links"]
